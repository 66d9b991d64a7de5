#!/usr/bin/env bash
# run_consumption_test.sh MODE SOURCE_DIR BUILD_DIR WORK_DIR CMAKE CXX
#   installed:    install BUILD_DIR into WORK_DIR/prefix, build installed/ with find_package
#   pkgconfig:    same install, build installed/main.cpp with `pkg-config --cflags --libs kafkatrace`
#   subdirectory: build subdirectory/, which add_subdirectory()s SOURCE_DIR
# and run the program, which must print "kafkatrace consumer ok".
set -euo pipefail
mode=$1 source_dir=$2 build_dir=$3 work_dir=$4 cmake=$5 cxx=$6
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work_dir" && mkdir -p "$work_dir"
prefix=$work_dir/prefix

install_package() {
  "$cmake" --install "$build_dir" --prefix "$prefix" >"$work_dir/install.log"
}

case $mode in
  installed)
    install_package
    "$cmake" -S "$here/installed" -B "$work_dir/build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" >"$work_dir/configure.log"
    "$cmake" --build "$work_dir/build" >"$work_dir/build.log"
    program=$work_dir/build/consumer
    ;;
  pkgconfig)
    install_package
    libdir=$(find "$prefix" -name kafkatrace.pc -printf '%h\n' | head -n1)
    flags=$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs kafkatrace)
    # shellcheck disable=SC2086  # flags are a word list by design
    "$cxx" -o "$work_dir/consumer" "$here/installed/main.cpp" $flags
    program=$work_dir/consumer
    ;;
  subdirectory)
    "$cmake" -S "$here/subdirectory" -B "$work_dir/build" -G Ninja \
      -DKAFKATRACE_SOURCE_DIR="$source_dir" -DCMAKE_CXX_COMPILER="$cxx" >"$work_dir/configure.log"
    "$cmake" --build "$work_dir/build" >"$work_dir/build.log"
    program=$work_dir/build/consumer
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac

output=$("$program")
echo "$output"
[ "$output" = "kafkatrace consumer ok" ]
