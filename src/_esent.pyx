# cython: language_level=3, embedsignature=True, binding=True
"""Native core of esent: thin typed wrappers over the Jet API.

This is the only code that touches C.  Each Jet function is wrapped once, under its C name
without the A/W suffix, and always calls the W (UTF-16) variant.  Python objects are converted
before the call, the engine runs with the GIL released (``with nogil``), and a negative result
raises the matching ``esent.errors`` class.  Users reach these through ``esent.jet``.

One file per concern, included below so that the whole extension stays a single module
(``esent._esent``) built for the limited API.
"""

from jetapi cimport *

include "pyx/constants.pxi"
include "pyx/status.pxi"
include "pyx/text.pxi"
include "pyx/instance.pxi"
include "pyx/session.pxi"
include "pyx/testing.pxi"
include "pyx/format.pxi"
include "pyx/offline.pxi"
include "pyx/database.pxi"
include "pyx/table.pxi"
include "pyx/index.pxi"
include "pyx/cursor.pxi"
include "pyx/columns.pxi"
include "pyx/schema.pxi"
include "pyx/codec.pxi"
include "pyx/backup.pxi"
include "pyx/transaction.pxi"
