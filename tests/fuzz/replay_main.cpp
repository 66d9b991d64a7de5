// The replay driver: with a compiler that has no libFuzzer (GCC, the normal build), each fuzz
// target is linked with this main instead, and ctest runs every file of the target's seed corpus
// through the same LLVMFuzzerTestOneInput. A broken invariant aborts (see fuzz_check.h).
//
//   fuzz_replay_baggage tests/fuzz/corpus/baggage [more files or directories...]
//
// Exit status: 0 when every input ran, 1 when an argument cannot be read or no input was found
// (an empty corpus would make the test pass without testing anything).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// The regular files named by `argument`: itself, or the files inside it (sorted, not recursive).
bool collect(const fs::path& argument, std::vector<fs::path>& inputs) {
  std::error_code error;
  if (fs::is_regular_file(argument, error)) {
    inputs.push_back(argument);
    return true;
  }
  if (!fs::is_directory(argument, error)) return false;
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(argument, error))
    if (entry.is_regular_file()) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  inputs.insert(inputs.end(), found.begin(), found.end());
  return !error;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], inputs)) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...  (no input found)\n", argv[0]);
    return 1;
  }
  for (const auto& path : inputs) {
    std::error_code error;
    const auto size = static_cast<std::size_t>(fs::file_size(path, error));
    // Exactly `size` bytes in their own allocation, so ASan catches reads past the end as it
    // would under libFuzzer.
    std::vector<std::uint8_t> data(size);
    std::ifstream file(path, std::ios::binary);
    if (error ||
        !file.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size))) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 1;
    }
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::printf("replayed %zu inputs\n", inputs.size());
  return 0;
}
