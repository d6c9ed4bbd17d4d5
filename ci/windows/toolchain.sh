# shellcheck shell=bash
# Sourced by ci/check-windows-build: installs, idempotently, everything the Windows cross-check
# needs and prints where it is.  Nothing here touches the repository; downloads and extracted
# files live in $WINCHECK_CACHE (default ~/.cache/esent-wincheck).
#
#   - Debian's mingw-w64 cross compilers for x86_64 and i686 (win32 threading flavour);
#   - CPython's Windows headers (Include/, PC/pyconfig.h, PC/python3dll.c) from the
#     distribution's python3.11 source package (python3.12 where the release has no 3.11,
#     as on Ubuntu 24.04; the module is compiled with Py_LIMITED_API=3.11 either way); a deb-src
#     entry is added for the release's main if none exists;
#   - mingw-w64's current esent.def files (x64 lib-common/, x86 lib32/ with stdcall decorations)
#     from PyPI's ziglang wheel, because Debian's libesent.a is older and lacks later exports.
#
# Requires: apt-get (as root, or with password-less sudo), python3 with pip, tar with xz.

WINCHECK_CACHE="${ESENT_WINCHECK_CACHE:-$HOME/.cache/esent-wincheck}"
WINCHECK_PY="${PYTHON:-python3}"
WINCHECK_ZIGLANG_VERSION="0.17.1"
WINCHECK_CPYTHON_SRCS=(python3.11 python3.12)
WINCHECK_CPYTHON_SRC=""
WINCHECK_APT_PACKAGES=(gcc-mingw-w64-x86-64-win32 gcc-mingw-w64-i686-win32)

_wc_log() { printf '[wincheck] %s\n' "$*" >&2; }
_wc_die() { printf '[wincheck] ERROR: %s\n' "$*" >&2; exit 2; }

_wc_sudo() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        _wc_die "need root (or password-less sudo) to run: $*"
    fi
}

# apt-get that waits for, and retries on, the dpkg/apt locks another process may hold.
_wc_apt_get() {
    local try out rc
    for try in 1 2 3 4 5 6 7 8 9 10; do
        out=$(_wc_sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
                  -o DPkg::Lock::Timeout=120 "$@" </dev/null 2>&1) && rc=0 || rc=$?
        if [ "$rc" = 0 ]; then
            return 0
        fi
        if printf '%s' "$out" | grep -qiE 'could not get lock|unable to acquire|unable to lock|is another process using it'; then
            _wc_log "apt is busy (try $try/10), waiting ..."
            sleep 10
            continue
        fi
        printf '%s\n' "$out" >&2
        return "$rc"
    done
    printf '%s\n' "$out" >&2
    return 1
}

_wc_apt_updated=0
_wc_apt_update() {
    [ "$_wc_apt_updated" = 1 ] && return 0
    _wc_log "apt-get update"
    _wc_apt_get update || _wc_die "apt-get update failed"
    _wc_apt_updated=1
}

_wc_has_candidate() {
    local cand
    cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

wincheck_install_compilers() {
    local missing=() p
    for p in "${WINCHECK_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ "${#missing[@]}" = 0 ]; then
        return 0
    fi
    _wc_log "installing ${missing[*]}"
    for p in "${missing[@]}"; do
        _wc_has_candidate "$p" || { _wc_apt_update; break; }
    done
    _wc_apt_get install --no-install-recommends "${missing[@]}" \
        || _wc_die "apt-get install ${missing[*]} failed"
}

# The release codename (bookworm, ...), for the deb-src entry.
_wc_codename() {
    # shellcheck disable=SC1091
    (. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
}

# Prints "URI KEYRING" of the system's entry of type $2 (deb or deb-src) for Debian main of the
# codename $1 (deb822 or one-line sources); exits 1 when there is none.
_wc_find_source() {
    "$WINCHECK_PY" - "$1" "$2" <<'PY'
import glob, re, sys
codename, kind = sys.argv[1:3]
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    text = open(path, encoding="utf-8", errors="replace").read()
    for stanza in re.split(r"\n\s*\n", text):
        f = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            f[k.strip().lower()] = v.split()
        if (kind in f.get("types", []) and codename in f.get("suites", [])
                and "main" in f.get("components", []) and f.get("enabled", ["yes"]) != ["no"]
                and f.get("uris")):
            print(f["uris"][0], (f.get("signed-by") or [""])[0])
            sys.exit(0)
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        continue
    for line in lines:
        m = re.match(r"\s*(\S+)\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
        if m and m.group(1) == kind and m.group(4) == codename and "main" in m.group(5).split():
            key = re.search(r"signed-by=([^\s\]]+)", m.group(2) or "")
            print(m.group(3), key.group(1) if key else "")
            sys.exit(0)
sys.exit(1)
PY
}

# Sets WINCHECK_CPYTHON_SRC to the first source package of WINCHECK_CPYTHON_SRCS apt knows.
_wc_has_source_package() {
    local p
    for p in "${WINCHECK_CPYTHON_SRCS[@]}"; do
        if apt-cache showsrc --only-source "$p" 2>/dev/null | grep -q '^Package:'; then
            WINCHECK_CPYTHON_SRC=$p
            return 0
        fi
    done
    return 1
}

_wc_ensure_deb_src() {
    local codename uri key file=/etc/apt/sources.list.d/esent-wincheck-src.sources
    _wc_has_source_package && return 0
    codename=$(_wc_codename)
    [ -n "$codename" ] || _wc_die "cannot tell the Debian release (VERSION_CODENAME)"
    if ! _wc_find_source "$codename" deb-src >/dev/null; then
        if ! read -r uri key < <(_wc_find_source "$codename" deb); then
            uri=http://deb.debian.org/debian key=/usr/share/keyrings/debian-archive-keyring.gpg
        fi
        _wc_log "adding a deb-src entry for $codename main: $file"
        {
            printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$codename"
            if [ "${key#/}" != "$key" ]; then printf 'Signed-By: %s\n' "$key"; fi
        } | _wc_sudo tee "$file" >/dev/null
    fi
    _wc_apt_updated=0
    _wc_apt_update
    _wc_has_source_package \
        || _wc_die "apt knows none of the source packages ${WINCHECK_CPYTHON_SRCS[*]} (no deb-src entry for $codename main?)"
}

wincheck_install_cpython_headers() {
    local dest="$WINCHECK_CACHE/cpython" dl orig
    if [ -f "$dest/.complete" ]; then
        return 0
    fi
    _wc_ensure_deb_src
    dl=$(mktemp -d "${TMPDIR:-/tmp}/esent-wincheck-src.XXXXXX")
    chmod 0777 "$dl"   # apt downloads as the _apt user
    _wc_log "apt-get source --download-only $WINCHECK_CPYTHON_SRC"
    (cd "$dl" && _wc_apt_get source --download-only "$WINCHECK_CPYTHON_SRC") \
        || { rm -rf "$dl"; _wc_die "apt-get source $WINCHECK_CPYTHON_SRC failed"; }
    orig=$(ls "$dl"/*.orig.tar.* 2>/dev/null | head -n 1)
    [ -n "$orig" ] || { rm -rf "$dl"; _wc_die "no .orig tarball for $WINCHECK_CPYTHON_SRC"; }
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    tar -xf "$orig" -C "$dest.tmp" --strip-components=1 --wildcards \
        '*/Include/*' '*/PC/pyconfig.h' '*/PC/python3dll.c' \
        || { rm -rf "$dl" "$dest.tmp"; _wc_die "extracting CPython headers from $orig failed"; }
    basename "$orig" >"$dest.tmp/SOURCE"
    rm -rf "$dl" "$dest"
    mv "$dest.tmp" "$dest"
    touch "$dest/.complete"
}

wincheck_install_esent_defs() {
    local dest="$WINCHECK_CACHE/mingw-esent-def" dl
    if [ -f "$dest/.complete" ]; then
        return 0
    fi
    dl=$(mktemp -d "${TMPDIR:-/tmp}/esent-wincheck-zig.XXXXXX")
    _wc_log "pip download --no-deps ziglang==$WINCHECK_ZIGLANG_VERSION (about 100 MB, only two .def files are kept)"
    "$WINCHECK_PY" -m pip download --quiet --no-deps "ziglang==$WINCHECK_ZIGLANG_VERSION" -d "$dl" </dev/null \
        || { rm -rf "$dl"; _wc_die "pip download ziglang==$WINCHECK_ZIGLANG_VERSION failed"; }
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    "$WINCHECK_PY" - "$dl" "$dest.tmp" <<'PY' || { rm -rf "$dl" "$dest.tmp"; _wc_die "extracting esent.def from the ziglang wheel failed"; }
import glob, os, sys, zipfile
dl, dest = sys.argv[1:3]
wheel = glob.glob(os.path.join(dl, "ziglang-*.whl"))[0]
wanted = {"x64": "ziglang/lib/libc/mingw/lib-common/esent.def",
          "x86": "ziglang/lib/libc/mingw/lib32/esent.def"}
with zipfile.ZipFile(wheel) as z:
    for arch, member in wanted.items():
        os.makedirs(os.path.join(dest, arch))
        with open(os.path.join(dest, arch, "esent.def"), "wb") as out:
            out.write(z.read(member))
with open(os.path.join(dest, "SOURCE"), "w") as f:
    f.write(os.path.basename(wheel) + "\n")
PY
    rm -rf "$dl" "$dest"
    mv "$dest.tmp" "$dest"
    touch "$dest/.complete"
}

wincheck_install_cython() {
    if "$WINCHECK_PY" - <<'PY' 2>/dev/null; then
import Cython, sys
sys.exit(0 if tuple(int(x) for x in Cython.__version__.split(".")[:2]) >= (3, 1) else 1)
PY
        return 0
    fi
    _wc_log "pip install Cython>=3.1"
    "$WINCHECK_PY" -m pip install --quiet 'Cython>=3.1,<4' </dev/null || _wc_die "pip install Cython failed"
}

wincheck_install_all() {
    mkdir -p "$WINCHECK_CACHE"
    # One installer at a time per cache (two checks started together share the downloads).
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$WINCHECK_CACHE/.lock"
        flock 9
    fi
    wincheck_install_compilers
    wincheck_install_cpython_headers
    wincheck_install_esent_defs
    wincheck_install_cython
    if command -v flock >/dev/null 2>&1; then
        flock -u 9
        exec 9>&-
    fi
}
