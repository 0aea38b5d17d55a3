# cowos.py - entry point of cowos's GDB commands, sourced by tools/gdbinit.
#
# Puts this directory on Python's path and registers ptwalk, vmmap, ps,
# pframe, cow-stats and user-symbols (tools/gdb/cowos_cmds.py). Sourcing it
# again reloads the modules, so edits take effect without restarting GDB.

import importlib
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import cowos_kmem  # noqa: E402
import cowos_cmds  # noqa: E402

importlib.reload(cowos_kmem)
importlib.reload(cowos_cmds)
cowos_cmds.register()
