#include "otlp_file/json_lines_file.h"

#include <cerrno>
#include <cstring>

namespace kafkatrace::exporters::otlp {

bool JsonLinesFile::append(const std::function<std::string_view()>& encode,
                           std::string_view what) noexcept {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  try {
    if (!open_locked()) return false;
    const std::string_view line = encode();
    const bool written = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
                         std::fputc('\n', file_) != EOF && std::fflush(file_) == 0;
    if (!written) {
      const int error = errno;
      failures_.log(LogLevel::kError, "cannot write to " + path_ + ": " + std::strerror(error) +
                                          "; " + std::string(what) + " dropped");
      close_locked();  // reopened by the next append
      return false;
    }
    return true;
  } catch (...) {
    failures_.log(LogLevel::kError, "export failed: out of memory");
    return false;
  }
}

bool JsonLinesFile::flush() noexcept {
  std::lock_guard lock(mutex_);
  return file_ == nullptr || std::fflush(file_) == 0;
}

bool JsonLinesFile::close() noexcept {
  std::lock_guard lock(mutex_);
  closed_ = true;
  return close_locked();
}

bool JsonLinesFile::open_locked() {
  if (file_ != nullptr) return true;
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) {
    const int error = errno;
    failures_.log(LogLevel::kError,
                  "cannot open " + path_ + " for appending: " + std::strerror(error));
    return false;
  }
  return true;
}

bool JsonLinesFile::close_locked() noexcept {
  if (file_ == nullptr) return true;
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  return ok;
}

}  // namespace kafkatrace::exporters::otlp
