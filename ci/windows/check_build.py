"""Cross-compile and link esent._esent for Windows (x64 and x86) and verify the result.

Run by ci/check-windows-build after it has installed the toolchain into the cache; see that
script for the options.  Stages:

1. cythonize the real src/_esent.pyx (language level 3, the directives setup.py passes);
2. per architecture: import libraries for ESENT.dll (mingw-w64's current esent.def; decorated
   stdcall names on x86, imported by their undecorated names) and python3.dll (CPython's own
   stable-ABI export list, PC/python3dll.c); compile the module and src/eseformat/*.c with the
   Windows SDK-style mingw headers; link _esent.pyd;
3. verify the .pyd with objdump -p: PE format, the DLLs it imports, every Jet function the C code
   calls imported from ESENT.dll, W variants only, PyInit__esent the only export;
4. negative tests proving that the check fails when it should.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pe_imports import parse_objdump  # noqa: E402
from c_scan import jet_calls, rename_calls  # noqa: E402

COMMON_CFLAGS = [
    "-O2",
    "-Wall",
    "-Werror=implicit-function-declaration",
    "-Werror=incompatible-pointer-types",
    "-Werror=int-conversion",
    "-DNDEBUG",
    "-DWIN32_LEAN_AND_MEAN",
    "-D_WIN32_WINNT=0x0A00",
    "-DPy_LIMITED_API=0x030B0000",
]
LDFLAGS = ["-shared", "-s", "-static-libgcc", "-Wl,--no-insert-timestamp"]
MODULE_NAME = "esent._esent"
EXPECTED_EXPORTS = ["PyInit__esent"]
RUN_ENV = {**os.environ, "LC_ALL": "C"}  # plain quotes in compiler and linker messages


@dataclass
class Arch:
    name: str  # x64 | x86
    triplet: str
    pe_format: str
    defines: list[str]
    dlltool_flags: list[str]

    def tool(self, name: str) -> str:
        return f"{self.triplet}-{name}"


ARCHES = {
    "x64": Arch("x64", "x86_64-w64-mingw32", "pei-x86-64", ["-DMS_WIN64"], []),
    # -k: the import library's symbols keep the @N decoration (so a prototype of the wrong
    # width cannot link) while the DLL is asked for the undecorated name esent.dll exports.
    "x86": Arch("x86", "i686-w64-mingw32", "pei-i386", [], ["-k"]),
}

# DLLs the module may import (lower case); the C runtime is msvcrt with Debian's mingw and the
# UCRT api sets with MSVC / python.org's toolchain.
ALLOWED_DLLS = {"esent.dll", "kernel32.dll", "msvcrt.dll", "ucrtbase.dll", "python3.dll"}
ALLOWED_DLL_PREFIXES = ("api-ms-win-crt-",)


class Report:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, ok, detail))
        status = "PASS" if ok else "FAIL"
        print(f"  [{status}] {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    @property
    def failed(self) -> list[tuple[str, bool, str]]:
        return [r for r in self.results if not r[1]]


@dataclass
class Run:
    argv: list[str]
    returncode: int
    output: str
    seconds: float
    cwd: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 25) -> str:
        text = self.output.rstrip().splitlines()
        return "\n".join("      " + line for line in text[-lines:])


def run(argv: list[str], cwd: Path | None = None) -> Run:
    t = time.monotonic()
    p = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=RUN_ENV,
    )
    return Run([str(a) for a in argv], p.returncode, p.stdout, time.monotonic() - t,
               str(cwd) if cwd else None)


def show_command(r: Run) -> str:
    return (f"(cd {r.cwd} && " if r.cwd else "") + " ".join(r.argv) + (")" if r.cwd else "")


# ---------------------------------------------------------------------------------------------
# setup.py: the Cython directives and compile-time env the real build uses


def _literal(node: ast.AST, assigns: dict[str, ast.AST]):
    if isinstance(node, ast.Name) and node.id in assigns:
        node = assigns[node.id]
    return ast.literal_eval(node)


def setup_cython_options(setup_py: Path) -> tuple[dict, dict, str]:
    """Return (compiler_directives, compile_time_env, where) from setup.py's cythonize() call.

    Only literal values (directly or through a module-level name) are understood; anything else
    is reported, and the check then runs with the directives the .pyx sets itself."""
    if not setup_py.exists():
        return {}, {}, "no setup.py: only the .pyx's own directives"
    tree = ast.parse(setup_py.read_text(encoding="utf-8"), str(setup_py))
    assigns: dict[str, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigns[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            assigns[node.target.id] = node.value
    directives: dict = {}
    env: dict = {}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg in ("compiler_directives", "compile_time_env"):
                try:
                    value = _literal(kw.value, assigns)
                except (ValueError, TypeError, SyntaxError):
                    raise SystemExit(
                        f"check-windows-build: cannot read {kw.arg} in {setup_py}:{kw.value.lineno} "
                        "(keep it a literal dict, or a module-level name bound to one)")
                (directives if kw.arg == "compiler_directives" else env).update(value)
                found.append(kw.arg)
    where = f"{setup_py.name}: " + (", ".join(sorted(set(found))) if found else "no directives")
    return directives, env, where


def _x_value(v) -> str:
    return str(v) if not isinstance(v, str) else v


# ---------------------------------------------------------------------------------------------
# toolchain pieces


@dataclass
class Paths:
    repo: Path
    cache: Path
    build: Path
    pyx: Path
    src: Path = field(init=False)
    eseformat: Path = field(init=False)
    cpython: Path = field(init=False)

    def __post_init__(self) -> None:
        self.src = self.repo / "src"
        self.eseformat = self.src / "eseformat"
        self.cpython = self.cache / "cpython"

    def esent_def(self, arch: Arch) -> Path:
        return self.cache / "mingw-esent-def" / arch.name / "esent.def"

    def include_dirs(self) -> list[Path]:
        dirs = [self.cpython / "Include", self.cpython / "PC", self.src]
        if self.pyx.parent != self.src:
            dirs.append(self.pyx.parent)
        for d in (self.eseformat, self.eseformat / "include"):
            if d.is_dir():
                dirs.append(d)
        return dirs


def def_exports(def_file: Path) -> list[str]:
    """Export names of a .def file, decorations (@N) removed."""
    names = []
    in_exports = False
    for line in def_file.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split(";", 1)[0].strip()
        if not line:
            continue
        if line.upper().startswith("EXPORTS"):
            in_exports = True
            continue
        if line.upper().startswith("LIBRARY"):
            continue
        if in_exports:
            name = line.split()[0]
            names.append(name.split("@", 1)[0] if not name.startswith("@") else name)
    return names


def python3_def(python3dll_c: Path, out: Path) -> int:
    """Write python3.dll's .def from CPython's stable-ABI list; return the export count."""
    text = python3dll_c.read_text(encoding="utf-8")
    entries = re.findall(r"^EXPORT_(FUNC|DATA)\((\w+)\)", text, re.M)
    if len(entries) < 500:
        raise SystemExit(f"check-windows-build: only {len(entries)} exports in {python3dll_c}")
    lines = ["LIBRARY python3.dll", "EXPORTS"]
    lines += [name + (" DATA" if kind == "DATA" else "") for kind, name in entries]
    out.write_text("\n".join(lines) + "\n")
    return len(entries)


def system_include_dirs(arch: Arch) -> list[Path]:
    r = run([arch.tool("gcc"), "-xc", "-E", "-v", "-"], cwd=None)
    dirs, on = [], False
    for line in r.output.splitlines():
        if line.startswith("#include <...> search starts here"):
            on = True
        elif line.startswith("End of search list"):
            break
        elif on:
            dirs.append(Path(line.strip()).resolve())
    return dirs


def dep_headers(dep_file: Path) -> list[Path]:
    text = dep_file.read_text().replace("\\\n", " ")
    _, _, deps = text.partition(":")
    return [Path(p).resolve() for p in deps.split() if p.endswith((".h", ".H"))]


# ---------------------------------------------------------------------------------------------


class Checker:
    def __init__(self, paths: Paths, arches: list[Arch], pool: concurrent.futures.Executor) -> None:
        self.p = paths
        self.arches = arches
        self.pool = pool
        self.report = Report()
        self.timings: list[tuple[str, float]] = []
        self.c_file = paths.build / "_esent.c"
        self.called: list[str] = []
        self.esent_imports: dict[str, list[str]] = {}
        self.eseformat_objs: dict[str, list[Path]] = {}

    def timed(self, label: str, t0: float) -> None:
        self.timings.append((label, time.monotonic() - t0))

    def cflags(self, arch: Arch, include_first: list[Path] = ()) -> list[str]:
        return (COMMON_CFLAGS + arch.defines
                + [f"-I{d}" for d in include_first]
                + [f"-I{d}" for d in self.p.include_dirs()])

    # -- stage 1 --------------------------------------------------------------------------
    def cythonize(self) -> bool:
        t0 = time.monotonic()
        directives, env, where = setup_cython_options(self.p.repo / "setup.py")
        directives.pop("language_level", None)  # -3 below
        argv = [sys.executable, "-m", "cython", "-3", "-I", ".", "--module-name", MODULE_NAME]
        if self.p.pyx.parent != self.p.src:
            argv += ["-I", str(self.p.src)]
        for k, v in sorted(directives.items()):
            argv += ["-X", f"{k}={_x_value(v)}"]
        for k, v in sorted(env.items()):
            argv += ["-E", f"{k}={_x_value(v)}"]
        argv += ["-o", str(self.c_file), self.p.pyx.name]
        r = run(argv, cwd=self.p.pyx.parent)
        self.timed("cythonize", t0)
        print(f"cythonize {self.p.pyx.relative_to(self.p.repo) if self.p.pyx.is_relative_to(self.p.repo) else self.p.pyx}"
              f" ({where}; {r.seconds:.1f} s)")
        if not self.report.add("cythonize", r.ok, "" if r.ok else "cython failed:\n" + r.tail(40)):
            return False
        sources = [self.c_file.read_text(encoding="utf-8", errors="replace")]
        sources += [c.read_text(encoding="utf-8", errors="replace") for c in self.eseformat_sources()]
        self.called = sorted(set().union(*(jet_calls(s) for s in sources)))
        print(f"  Jet functions called by the generated C: {len(self.called)}")
        return True

    def eseformat_sources(self) -> list[Path]:
        return sorted(self.p.eseformat.glob("*.c")) if self.p.eseformat.is_dir() else []

    # -- stage 2 --------------------------------------------------------------------------
    def import_libs(self, arch: Arch) -> tuple[bool, str]:
        libdir = self.p.build / arch.name / "lib"
        libdir.mkdir(parents=True, exist_ok=True)
        n_py = python3_def(self.p.cpython / "PC" / "python3dll.c", libdir / "python3.def")
        runs = [
            run([arch.tool("dlltool"), *arch.dlltool_flags, "-d", self.p.esent_def(arch),
                 "-l", libdir / "libesent.a"]),
            run([arch.tool("dlltool"), "-d", libdir / "python3.def", "-D", "python3.dll",
                 "-l", libdir / "libpython3.a"]),
        ]
        bad = [r for r in runs if not r.ok]
        if bad:
            return False, "dlltool failed:\n" + "\n".join(r.tail() for r in bad)
        n_es = len(def_exports(self.p.esent_def(arch)))
        return True, f"libesent.a ({n_es} ESENT.dll exports), libpython3.a ({n_py} stable-ABI exports)"

    def compile(self, arch: Arch, c_file: Path, obj: Path, extra: list[str] = (),
                include_first: list[Path] = (), opt: str | None = None) -> Run:
        flags = self.cflags(arch, include_first)
        if opt:
            flags = [opt if f.startswith("-O") else f for f in flags]
        return run([arch.tool("gcc"), *flags, *extra, "-c", c_file, "-o", obj])

    def link(self, arch: Arch, objs: list[Path], out: Path) -> Run:
        libdir = self.p.build / arch.name / "lib"
        return run([arch.tool("gcc"), *LDFLAGS, "-o", out, *objs, f"-L{libdir}",
                    "-lpython3", "-lesent"])

    def build_arch(self, arch: Arch) -> list[tuple[str, bool, str]]:
        """Import libraries, compile, link, verify one architecture; returns report rows."""
        t0 = time.monotonic()
        try:
            return self._build_arch(arch)
        finally:
            self.timed(f"{arch.name} build+verify", t0)

    def _build_arch(self, arch: Arch) -> list[tuple[str, bool, str]]:
        rows: list[tuple[str, bool, str]] = []
        adir = self.p.build / arch.name
        adir.mkdir(parents=True, exist_ok=True)
        ok, detail = self.import_libs(arch)
        rows.append((f"{arch.name}: import libraries", ok, detail))
        if not ok:
            return rows

        # The architectures build in parallel; within one, the files compile one after another.
        jobs = {}
        obj = adir / "_esent.o"
        jobs[obj] = (self.c_file, ["-MD", "-MF", str(adir / "_esent.d")])
        for c in self.eseformat_sources():
            jobs[adir / f"eseformat_{c.stem}.o"] = (c, ["-MD", "-MF", str(adir / f"eseformat_{c.stem}.d")])
        runs = {o: self.compile(arch, c, o, extra) for o, (c, extra) in jobs.items()}
        warnings = sorted({line for r in runs.values() for line in r.output.splitlines()
                           if "warning:" in line})
        failed = {o: r for o, r in runs.items() if not r.ok}
        secs = sum(r.seconds for r in runs.values())
        if failed:
            detail = "\n".join(f"    {show_command(r)}\n{r.tail(40)}" for r in failed.values())
            rows.append((f"{arch.name}: compile", False, "\n" + detail))
            return rows
        n_fmt = len(jobs) - 1
        detail = (f"_esent.c" + (f" + {n_fmt} eseformat file(s)" if n_fmt else " (no src/eseformat/*.c)")
                  + f", {len(warnings)} warning(s), {secs:.1f} s")
        if warnings:
            detail += "\n" + "\n".join("      " + w for w in warnings[:30])
            if len(warnings) > 30:
                detail += f"\n      ... {len(warnings) - 30} more (--keep keeps the build log)"
        (adir / "compile.log").write_text("\n".join(r.output for r in runs.values()))
        rows.append((f"{arch.name}: compile", True, detail))
        self.eseformat_objs[arch.name] = [o for o in jobs if o != obj]

        rows.append(self.check_headers(arch, [d.with_suffix(".d") for d in jobs]))

        pyd = adir / "_esent.pyd"
        r = self.link(arch, list(jobs), pyd)
        if not r.ok:
            rows.append((f"{arch.name}: link", False, f"\n    {show_command(r)}\n{r.tail(40)}"))
            return rows
        rows.append((f"{arch.name}: link _esent.pyd", True, f"{pyd.stat().st_size} bytes"))

        rows += self.verify_pyd(arch, pyd)
        return rows

    def check_headers(self, arch: Arch, dep_files: list[Path]) -> tuple[str, bool, str]:
        """The SDK-style esent.h from the mingw sysroot must be the one used; nothing from libese."""
        sysdirs = system_include_dirs(arch)
        headers = sorted({h for d in dep_files for h in dep_headers(d)})
        libese = (self.p.src / "libese").resolve()
        problems = []
        from_libese = [h for h in headers if h.is_relative_to(libese)]
        if from_libese:
            problems.append("headers from src/libese: " + ", ".join(map(str, from_libese)))
        esent_h = [h for h in headers if h.name.lower() == "esent.h"]
        if len(esent_h) != 1:
            problems.append(f"expected exactly one esent.h, the preprocessor used {esent_h or 'none'}")
        else:
            sysroot_h = [d / "esent.h" for d in sysdirs
                         if (d / "esent.h").exists() and (d / "esent.h").resolve() == esent_h[0].resolve()]
            if not sysroot_h:
                problems.append(f"esent.h came from {esent_h[0]}, not the mingw-w64 sysroot "
                                + ", ".join(map(str, sysdirs)))
            elif sysroot_h[0] != esent_h[0]:
                esent_h = [Path(f"{sysroot_h[0]} -> {esent_h[0]}")]
        compat = [h for h in headers if h.name == "esent_compat.h"]
        if compat != [(self.p.src / "esent_compat.h").resolve()]:
            problems.append(f"esent_compat.h used: {compat or 'none'}")
        if any("libese" in str(d) for d in self.p.include_dirs()):
            problems.append("src/libese is on the include path")
        detail = "; ".join(problems) if problems else f"{esent_h[0]} (+ src/esent_compat.h)"
        return (f"{arch.name}: SDK esent.h used, no libese header", not problems, detail)

    # -- stage 3 --------------------------------------------------------------------------
    def verify_pyd(self, arch: Arch, pyd: Path) -> list[tuple[str, bool, str]]:
        rows = []
        r = run([arch.tool("objdump"), "-p", pyd])
        if not r.ok:
            return [(f"{arch.name}: objdump -p", False, r.tail())]
        info = parse_objdump(r.output)
        rows.append((f"{arch.name}: PE format {arch.pe_format}", info.file_format == arch.pe_format,
                     f"objdump says {info.file_format!r}"))

        dlls = sorted(info.imports)
        bad = [d for d in dlls
               if d.lower() not in ALLOWED_DLLS and not d.lower().startswith(ALLOWED_DLL_PREFIXES)]
        need = [d for d in ("python3.dll",) + (("ESENT.dll",) if self.called else ())
                if d.lower() not in {x.lower() for x in dlls}]
        detail = ", ".join(dlls)
        if bad:
            detail += "; not allowed: " + ", ".join(bad)
        if need:
            detail += "; missing: " + ", ".join(need)
        rows.append((f"{arch.name}: imported DLLs", not bad and not need, detail))

        esent = sorted(next((v for k, v in info.imports.items() if k.lower() == "esent.dll"), []))
        self.esent_imports[arch.name] = esent
        missing = [f for f in self.called if f not in esent]
        extra = [f for f in esent if f not in self.called]
        detail = f"{len(self.called)} called, {len(esent)} imported"
        if missing:
            hints = []
            for f in missing:
                for suffix in ("W", "A"):
                    if f + suffix in esent:
                        hints.append(f"{f} (imported as {f}{suffix}: call the W name explicitly)")
                        break
                else:
                    hints.append(f)
            detail += "; called but not imported from ESENT.dll: " + ", ".join(hints)
        if extra:
            detail += "; imported but not seen called (fine): " + ", ".join(extra)
        rows.append((f"{arch.name}: every called Jet function imported from ESENT.dll",
                     not missing, detail))

        exports = set(def_exports(self.p.esent_def(arch)))
        ansi = [f for f in esent
                if (f.endswith("A") and f[:-1] + "W" in exports) or f + "W" in exports]
        rows.append((f"{arch.name}: W variants only (no ANSI Jet import)", not ansi,
                     "ANSI imports: " + ", ".join(ansi) if ansi else
                     f"{sum(1 for f in esent if f.endswith('W') and f[:-1] + 'A' in exports)} W imports"))

        rows.append((f"{arch.name}: exports exactly {', '.join(EXPECTED_EXPORTS)}",
                     info.exports == EXPECTED_EXPORTS, f"exports: {info.exports}"))
        return rows

    # -- stage 4 --------------------------------------------------------------------------
    def negative_tests(self) -> None:
        print("\nNegative tests (each must fail the way the check relies on):")
        t0 = time.monotonic()
        pick = [f for f in self.called if all(f in self.esent_imports.get(a.name, []) for a in self.arches)]
        futures = []
        if pick:
            victim = "JetGetVersion" if "JetGetVersion" in pick else pick[0]
            futures.append(self.pool.submit(self.neg_misspelt_undeclared, self.arches[0], victim))
            for arch in self.arches:
                futures.append(self.pool.submit(self.neg_misspelt_declared, arch, victim))
        else:
            self.report.add("negative (a): misspelt Jet function", False,
                            "no Jet function is called and imported on every architecture")
        futures.append(self.pool.submit(self.neg_empty_compat, self.arches[0]))
        if "x86" in [a.name for a in self.arches]:
            futures.append(self.pool.submit(self.neg_stdcall_width, ARCHES["x86"]))
        for f in futures:
            for name, ok, detail in f.result():
                self.report.add(name, ok, detail)
        self.timed("negative tests", t0)

    def neg_misspelt_undeclared(self, arch: Arch, victim: str) -> list[tuple[str, bool, str]]:
        wrong = victim + "Misspelt"
        d = self.p.build / "neg-a1"
        d.mkdir()
        c = d / "_esent.c"
        c.write_text(rename_calls(self.c_file.read_text(encoding="utf-8"), victim, wrong), encoding="utf-8")
        r = run([arch.tool("gcc"), *self.cflags(arch), "-fsyntax-only", c])
        why = f"implicit declaration of function '{wrong}'"
        expected = not r.ok and why in r.output
        detail = (f"{victim} -> {wrong} without a prototype: compile failed with \"{why}\""
                  if expected else "compile did not fail as expected:\n" + r.tail())
        return [(f"negative (a1) {arch.name}: misspelt call must not compile", expected, detail)]

    def neg_misspelt_declared(self, arch: Arch, victim: str) -> list[tuple[str, bool, str]]:
        """Misspelt name declared with the real function's exact type: compiles, must not link."""
        wrong = victim + "Misspelt"
        d = self.p.build / f"neg-a2-{arch.name}"
        d.mkdir()
        text = rename_calls(self.c_file.read_text(encoding="utf-8"), victim, wrong)
        decl = f"extern __typeof__({victim}) {wrong};  /* negative test */\n"
        m = re.search(r'^#include "esent_compat\.h"[^\n]*\n', text, re.M)
        if not m:
            return [(f"negative (a2) {arch.name}: misspelt call must not link", False,
                     '#include "esent_compat.h" not found in the generated C')]
        text = text[:m.end()] + decl + text[m.end():]
        c = d / "_esent.c"
        c.write_text(text, encoding="utf-8")
        obj = d / "_esent.o"
        r = self.compile(arch, c, obj, opt="-O0")
        if not r.ok:
            return [(f"negative (a2) {arch.name}: misspelt call must not link", False,
                     "the modified C did not compile, so the link was never tried:\n" + r.tail())]
        r = self.link(arch, [obj, *self.eseformat_objs.get(arch.name, [])], d / "_esent.pyd")
        expected = not r.ok and re.search(rf"undefined reference to `_?{wrong}(@\d+)?'", r.output)
        detail = (f"{victim} -> {wrong} (declared like {victim}): link failed: "
                  + re.search(r"undefined reference to `[^']*'", r.output).group(0)
                  if expected else "link did not fail as expected:\n" + r.tail())
        return [(f"negative (a2) {arch.name}: misspelt call must not link", bool(expected), detail)]

    def neg_empty_compat(self, arch: Arch) -> list[tuple[str, bool, str]]:
        d = self.p.build / "neg-b"
        (d / "include").mkdir(parents=True)
        (d / "include" / "esent_compat.h").write_text("/* emptied by a negative test */\n")
        r = run([arch.tool("gcc"), *self.cflags(arch, [d / "include"]), "-fsyntax-only",
                 "-MD", "-MF", d / "deps.d", self.c_file])
        errors = [line for line in r.output.splitlines() if "error:" in line]
        used_empty = (d / "deps.d").exists() and (d / "include" / "esent_compat.h").resolve() in dep_headers(d / "deps.d")
        if not r.ok and errors:
            detail = f"compile failed, {len(errors)} error(s), first: {errors[0].split('error:', 1)[1].strip()}"
            return [(f"negative (b) {arch.name}: empty esent_compat.h must not compile", True, detail)]
        detail = ("compiled although esent_compat.h was empty" if used_empty or r.ok
                  else "did not fail as expected:\n" + r.tail())
        return [(f"negative (b) {arch.name}: empty esent_compat.h must not compile", False, detail)]

    def neg_stdcall_width(self, arch: Arch) -> list[tuple[str, bool, str]]:
        """x86 stdcall decoration: a prototype with a wrong parameter width must not link.

        JetStopBackupInstance(JET_INSTANCE) is JetStopBackupInstance@4 on x86; declared with a
        64-bit parameter it becomes @8.  The same file with the right width must link (control)."""
        d = self.p.build / "neg-c"
        d.mkdir()
        rows = []
        for label, ptype, want_ok in (("control, JET_INSTANCE as 32-bit", "unsigned int", True),
                                      ("64-bit parameter", "unsigned long long", False)):
            tag = "ok" if want_ok else "wrong"
            c = d / f"{tag}.c"
            c.write_text(
                "/* a prototype written by hand, as a wrong Cython extern would be */\n"
                f"extern long __stdcall JetStopBackupInstance({ptype} instance);\n"
                "__declspec(dllexport) long probe(void) { return JetStopBackupInstance(0); }\n")
            obj = d / f"{tag}.o"
            r = run([arch.tool("gcc"), "-O2", "-c", c, "-o", obj])
            if r.ok:
                r = self.link(arch, [obj], d / f"{tag}.dll")
            if want_ok:
                rows.append((f"negative (c) {arch.name}: stdcall control ({label}) links", r.ok,
                             "JetStopBackupInstance@4 resolved" if r.ok else r.tail()))
            else:
                m = re.search(r"undefined reference to `_?JetStopBackupInstance@8'", r.output)
                rows.append((f"negative (c) {arch.name}: wrong parameter width must not link",
                             bool(not r.ok and m),
                             "link failed: " + m.group(0) if not r.ok and m
                             else "link did not fail as expected:\n" + r.tail()))
        return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--pyx", type=Path)
    ap.add_argument("--arch", choices=sorted(ARCHES))
    ap.add_argument("--skip-negative", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    t_start = time.monotonic()
    repo = args.repo.resolve()
    pyx = (args.pyx or repo / "src" / "_esent.pyx").resolve()
    if not pyx.exists():
        print(f"check-windows-build: FAIL: {pyx} does not exist")
        return 1
    arches = [ARCHES[args.arch]] if args.arch else [ARCHES["x64"], ARCHES["x86"]]
    for arch in arches:
        if not shutil.which(arch.tool("gcc")):
            print(f"check-windows-build: {arch.tool('gcc')} not found (ci/check-windows-build installs it)")
            return 2
    build = Path(tempfile.mkdtemp(prefix="esent-wincheck."))
    paths = Paths(repo, args.cache.resolve(), build, pyx)
    if (repo / "src" / "libese") in [d.resolve() for d in paths.include_dirs()]:
        raise SystemExit("internal error: src/libese on the include path")

    print(f"Windows cross-check of {pyx} for {', '.join(a.name for a in arches)}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        ck = Checker(paths, arches, pool)
        try:
            if ck.cythonize():
                futures = [(a, pool.submit(ck.build_arch, a)) for a in arches]
                for arch, fut in futures:
                    print(f"\n{arch.name} ({arch.triplet}):")
                    for name, ok, detail in fut.result():
                        ck.report.add(name, ok, detail)
                for arch in arches:
                    if arch.name in ck.esent_imports:
                        imps = ck.esent_imports[arch.name]
                        print(f"\nESENT.dll imports of the {arch.name} _esent.pyd ({len(imps)}):")
                        print("  " + "\n  ".join(imps))
                if not args.skip_negative and not ck.report.failed:
                    ck.negative_tests()
                elif not args.skip_negative:
                    print("\nNegative tests skipped: the positive check failed.")
        finally:
            if args.keep:
                print(f"\nbuild directory kept: {build}")
            else:
                shutil.rmtree(build, ignore_errors=True)

    total = time.monotonic() - t_start
    print("\nTiming: " + ", ".join(f"{label} {secs:.1f} s" for label, secs in ck.timings)
          + f"; total {total:.1f} s")
    failed = ck.report.failed
    n = len(ck.report.results)
    if failed:
        print(f"\ncheck-windows-build: FAIL ({len(failed)} of {n} checks failed)")
        for name, _, detail in failed:
            lines = [line.strip() for line in detail.splitlines() if line.strip()]
            first = next((line for key in ("undefined reference", "error:") for line in lines
                          if key in line), lines[0] if lines else "")
            print(f"  FAIL {name}" + (f": {first}" if first else ""))
        return 1
    print(f"\ncheck-windows-build: PASS ({n} checks"
          + (", negative tests skipped" if args.skip_negative else "") + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
