#!/usr/bin/env bash
# Installs the symmd OpenKIM model driver (kim/driver, item `symmd_driver`) and, optionally,
# symmd portable models into the KIM *user* collection, so that LAMMPS can use them with
#   kim init NAME metal
#   kim interactions Cu ...
#
# Steps:
#   1. copies libSymmdC.so (and symmd.h) to a stable folder, SYMMD_KIM_LIBDIR (default
#      $HOME/.local/lib/symmd); the installed driver has an RPATH to that folder, so keep the
#      library there (re-run this script after rebuilding it; the copy replaces the file
#      atomically, running simulations keep the old one);
#   2. builds and installs the driver with `kim-api-collections-management install --force user`
#      (an installed copy is removed first), passing the library's location through the
#      environment variables SYMMD_LIBRARY and SYMMD_INCLUDE_DIR read by kim/driver/CMakeLists.txt;
#   3. installs each portable-model folder given (CMakeLists.txt + model.sdp, as written by
#      `symmd kim export MODEL.sdp --name NAME --out DIR`) the same way.
#
# Usage: scripts/kim-install.sh [LIBSYMMDC.so] [MODEL_DIR ...]
#   LIBSYMMDC.so  libSymmdC.so to install, recognised as the first argument when it is a file;
#                 default .build/release/libSymmdC.so of this checkout, built with
#                   swift build -c release --product SymmdC -Xswiftc -static-stdlib
#   MODEL_DIR     portable-model folders to install after the driver.
# Environment: SYMMD_KIM_LIBDIR (see above); CFLAGS (default -O2, the KIM tool builds without
#   optimisation otherwise); KIM_API_CONFIGURATION_FILE (a KIM config file naming other user-collection
#   folders: `make kim-check` installs into a throw-away collection that way). `--force` replaces an
#   item of the same name in whichever collection holds it, so never point the tests at the real one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DRIVER_NAME="symmd_driver"
DRIVER_SRC="$ROOT/kim/driver"
HEADER="$ROOT/Sources/CSymmdAPI/include/symmd.h"
LIBDIR="${SYMMD_KIM_LIBDIR:-$HOME/.local/lib/symmd}"

die() { printf 'kim-install: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'kim-install: %s\n' "$*"; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

# --- arguments -----------------------------------------------------------------------------------
LIB="$ROOT/.build/release/libSymmdC.so"
if [ $# -gt 0 ] && { [ -f "$1" ] || [[ "$1" == *.so ]]; }; then
  LIB="$1"; shift
fi
[ -f "$LIB" ] || die "libSymmdC.so not found at '$LIB'. Build it first:
    swift build -c release --product SymmdC -Xswiftc -static-stdlib
  or pass its path as the first argument."
LIB="$(cd "$(dirname "$LIB")" && pwd)/$(basename "$LIB")"
MODELS=()
for dir in "$@"; do
  [ -d "$dir" ] || die "portable-model folder '$dir' does not exist (arguments after the library must be folders)."
  [ -f "$dir/CMakeLists.txt" ] || die "'$dir' has no CMakeLists.txt: not a KIM portable-model folder (make one with: symmd kim export MODEL.sdp --name NAME --out DIR)."
  MODELS+=("$(cd "$dir" && pwd)")
done

# --- tools ---------------------------------------------------------------------------------------
for tool in kim-api-collections-management cmake make cc c++; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found on PATH (Debian/Ubuntu: apt-get install libkim-api-dev cmake build-essential)."
done
[ -f "$HEADER" ] || die "symmd.h not found at '$HEADER'."
[ -f "$DRIVER_SRC/CMakeLists.txt" ] || die "driver sources not found in '$DRIVER_SRC'."
if command -v nm >/dev/null 2>&1; then
  # grep reads all of nm's output (not -q: an early exit would SIGPIPE nm and fail under pipefail).
  nm -D --defined-only "$LIB" 2>/dev/null | grep ' symmd_model_compute$' >/dev/null \
    || die "'$LIB' does not export symmd_model_compute: not a libSymmdC.so built from this checkout?"
fi
TOOL="$(command -v kim-api-collections-management)"
INFO="$(dirname "$(readlink -f "$TOOL")")/../libexec/kim-api/kim-api-collections-info"
[ -x "$INFO" ] || INFO=""

# Prints "<collection> <name> <directory> ..." for an installed item (empty when not installed).
find_item() { [ -n "$INFO" ] && "$INFO" "$1" find "$2" 2>/dev/null || true; }

# --- 1. the library ------------------------------------------------------------------------------
mkdir -p "$LIBDIR/include" || die "cannot create '$LIBDIR'."
tmp="$LIBDIR/.libSymmdC.so.$$"
cp -f "$LIB" "$tmp" && mv -f "$tmp" "$LIBDIR/libSymmdC.so" || { rm -f "$tmp"; die "cannot copy '$LIB' to '$LIBDIR'."; }
cp -f "$HEADER" "$LIBDIR/include/symmd.h" || die "cannot copy symmd.h to '$LIBDIR/include'."
note "library:  $LIB -> $LIBDIR/libSymmdC.so"

export SYMMD_LIBRARY="$LIBDIR/libSymmdC.so"
export SYMMD_INCLUDE_DIR="$LIBDIR/include"
export CFLAGS="${CFLAGS:--O2}"

# kim-api-collections-management builds in $TMPDIR; its (long) build log is printed only on failure.
install_item() {
  local what="$1" path="$2" log
  log="$(mktemp "${TMPDIR:-/tmp}/symmd-kim-install.XXXXXX")"
  note "installing $what from $path ..."
  if ! (cd "${TMPDIR:-/tmp}" && kim-api-collections-management install --force user "$path") > "$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "kim-api-collections-management could not build or install $what from '$path' (its log is above)."
  fi
  rm -f "$log"
}

# --- 2. the driver -------------------------------------------------------------------------------
install_item "the model driver $DRIVER_NAME" "$DRIVER_SRC"
found="$(find_item model_drivers "$DRIVER_NAME")"
if [ -n "$INFO" ]; then
  [ -n "$found" ] || die "the driver '$DRIVER_NAME' is not listed in any KIM collection after installing it."
  driver_so="$(printf '%s\n' "$found" | head -n1 | awk '{print $3}')/$DRIVER_NAME/libkim-api-model-driver.so"
  if [ -f "$driver_so" ] && command -v ldd >/dev/null 2>&1; then
    if ldd "$driver_so" | grep 'libSymmdC.so => not found' >/dev/null; then
      die "the installed driver '$driver_so' cannot find libSymmdC.so (expected in $LIBDIR)."
    fi
  fi
  note "driver:   $DRIVER_NAME -> $driver_so"
fi

# --- 3. the portable models ----------------------------------------------------------------------
installed_models=()
for dir in ${MODELS[@]+"${MODELS[@]}"}; do
  name="$(sed -n 's/^[[:space:]]*project([[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$dir/CMakeLists.txt" | head -n1)"
  [ -f "$dir/model.sdp" ] || note "warning: '$dir' has no model.sdp (the symmd template's parameter file)."
  install_item "the portable model ${name:-in $dir}" "$dir"
  if [ -n "$name" ] && [ -n "$INFO" ]; then
    found="$(find_item portable_models "$name")"
    [ -n "$found" ] || die "the model '$name' is not listed in any KIM collection after installing it."
    note "model:    $name -> $(printf '%s\n' "$found" | head -n1 | awk '{print $3}')/$name"
  fi
  installed_models+=("${name:-$dir}")
done

# --- summary -------------------------------------------------------------------------------------
echo
note "done. Installed into the KIM user collection${KIM_API_CONFIGURATION_FILE:+ of $KIM_API_CONFIGURATION_FILE}:"
echo "  driver  $DRIVER_NAME (libSymmdC.so from $LIBDIR)"
for m in ${installed_models[@]+"${installed_models[@]}"}; do echo "  model   $m"; done
if [ ${#installed_models[@]} -gt 0 ]; then
  echo "Use in LAMMPS:  kim init ${installed_models[0]} metal   ...   kim interactions <elements>"
fi
echo "List everything: kim-api-collections-management list"
