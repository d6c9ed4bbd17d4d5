"""Build of esent's one extension module, esent._esent.

Windows: src/_esent.pyx + src/eseformat, against the SDK's esent.h, linked with esent.lib.
Elsewhere: the same plus libese (src/libese), the portable engine with the same Jet API.
Built for the limited API (abi3) so one wheel per platform serves Python 3.11 and later.
"""

import sys
from glob import glob

from Cython.Build import cythonize
from setuptools import Extension, setup

LIMITED_API = 0x030B0000  # Python 3.11
WINDOWS = sys.platform == "win32"

sources = ["src/_esent.pyx"] + sorted(glob("src/eseformat/*.c"))
include_dirs = ["src", "src/eseformat"]
define_macros = [("Py_LIMITED_API", hex(LIMITED_API))]
libraries = []
extra_compile_args = []

if WINDOWS:
    define_macros += [("WIN32_LEAN_AND_MEAN", None), ("_WIN32_WINNT", "0x0A00")]
    libraries += ["esent"]
else:
    sources += sorted(glob("src/libese/*.c"))
    # temporary: the engine functions not merged yet (see the file; removed at the merge)
    sources += glob("src/pending_stubs.c")
    include_dirs += ["src/libese/include", "src/libese"]
    libraries += ["pthread"]
    extra_compile_args += ["-std=gnu11", "-Wno-unused-function"]

extension = Extension(
    "esent._esent",
    sources=sources,
    include_dirs=include_dirs,
    define_macros=define_macros,
    libraries=libraries,
    extra_compile_args=extra_compile_args,
    py_limited_api=True,
)

setup(
    ext_modules=cythonize(
        [extension],
        include_path=["src"],
        compiler_directives={"language_level": "3", "embedsignature": True, "binding": True},
    ),
    options={"bdist_wheel": {"py_limited_api": "cp311"}},
)
