"""Where the swap search's machine code comes from: compiled once on this computer, then
loaded by every later process without numba.

Why: importing numba and loading even its cached code takes 0.4–0.5 s, more than all the
rest of the first recalculation of 300 worksheet functions over 5,000 lines in a new Excel
session (0.15 s).  The search's loops (search_kernels) are C functions that stand alone — no
numba runtime, no Python — so their machine code is kept here, on disk, and loaded with
llvmlite alone (numba's code generator, installed with it): 0.05 s.

How:
- Compiling: numba compiles the kernels for this process, which runs them at once; their
  LLVM IR is linked into one module.  Each C function's wrapper declares Python's C API and
  numba's helpers for raising and freeing, for an error path the kernels never take (they
  allocate nothing and cannot fail): those declarations get empty bodies.  Anything else declared (a function
  the code would really call) means no file.  llvmlite turns the module into an object file
  for this CPU.
- Checking: a new process loads the object file and solves a test problem; only when its
  answer equals that of numba's own code is the file put in place.  Machine code that calls
  something missing crashes the process that runs it, which in Excel would end the add-in's
  server at every recalculation — so no untried file is ever loaded.
- The file's name is a digest of everything the code depends on: the kernels' source and
  this module's, numba's and llvmlite's versions, the target and the CPU with its features.
  It holds a magic line, a JSON header (the entry points' symbols, a digest of the object
  code, checked before loading) and the object code.
- Where: beside the package (``__pycache__``, as numba does), or in the user cache folder
  when the package folder is read-only.  Where neither can be written, every process
  compiles (seconds) and nothing breaks.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Per entry point: (result, parameters) in C terms.  search_kernels compiles to these; the
# ctypes prototypes below call them.
SIGNATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "renumber": ("void", ("i32*", "i64", "i32*", "i64")),
    "transpose": ("i64", ("i64*", "i64", "i32*", "i64", "u8*", "i64", "i64*", "i32*", "i64")),
    "search": ("i64", ("i64*", "i64", "i32*", "i64", "i64*", "i32*", "i64", "u8*", "i64*",
                       "i64", "i64*", "i64", "i64", "i64", "i64", "i64*", "i64", "i8*",
                       "u64*", "i64", "i64", "i64", "i64", "i64", "f64")),
}
KEEP = 4  # machine code files kept (other versions of xltools, another CPU in a profile)
MAX_BYTES = 16 << 20
_MAGIC = b"xltools-search-code-1\n"
_DTYPES = {"i64*": np.int64, "i32*": np.int32, "i8*": np.int8, "u8*": np.uint8,
           "u64*": np.uint64}
_SCALARS = {"i64": ctypes.c_int64, "f64": ctypes.c_double}
# numba's error path in each C function's wrapper: Python's C API, numba's helpers that
# raise and its memory manager (the kernels neither raise nor allocate).
_UNREACHED = re.compile(r"^(Py|_Py|numba_|NRT_)")
_DECLARED = re.compile(
    r'^declare (?:[a-z_]+ )*(void|ptr|i\d+|double|float) @"?([\w.$]+)"?\((.*)\)[^()]*$')
_EXTERNAL = re.compile(r'^(@"?([\w.$]+)"?) = external (?:[a-z_]+ )*global (\S+)(, align \d+)?$')

_lock = threading.Lock()
_entries: "Entries | None" = None


@dataclass(frozen=True)
class Entries:
    """The entry points of SIGNATURES, callable with numpy arrays where the C function
    takes a pointer."""

    renumber: "_Call"
    transpose: "_Call"
    search: "_Call"
    source: str  # "machine code" (loaded from disk) or "numba" (compiled in this process)
    keep: object = field(default=None, repr=False)  # alive while the code runs: engine or cfuncs

    @classmethod
    def at(cls, addresses: dict[str, int], source: str, keep: object) -> "Entries":
        return cls(**{name: _Call(name, addresses[name]) for name in SIGNATURES},
                   source=source, keep=keep)


def entry_points() -> Entries:
    """This process's entry points: loaded from disk when a checked file is there (0.05 s),
    else compiled with numba (seconds), which also writes the file for later processes."""
    global _entries
    with _lock:
        if _entries is None:
            _entries = load() or _compile()
        return _entries


def loaded() -> bool:
    """Whether this process has its entry points already."""
    return _entries is not None


def from_disk() -> bool:
    """This process's entry points, when they can be loaded from disk (0.05 s) rather than
    compiled: True when they are in hand now."""
    global _entries
    with _lock:
        if _entries is None:
            _entries = load()
        return _entries is not None


def load(folders: list[Path] | None = None) -> Entries | None:
    """The entry points from a machine code file for this computer, or None."""
    try:
        import llvmlite.binding as llvm

        name = _file_name(llvm)
    except Exception:  # noqa: BLE001 - no llvmlite: numba compiles
        return None
    for folder in folders or _folders():
        try:
            if (folder / name).is_file():
                entries = _load_file(llvm, folder / name)
                if entries is not None:
                    return entries
        except Exception:  # noqa: BLE001 - unreadable or damaged: the next folder, or numba
            continue
    return None


def _load_file(llvm, path: Path) -> Entries | None:
    symbols, code = _read(path)
    if symbols is None:
        return None
    machine = _target_machine(llvm)
    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), machine)
    engine.add_object_file(llvm.ObjectFileRef.from_data(code))
    engine.finalize_object()
    addresses = {name: engine.get_function_address(symbols[name]) for name in SIGNATURES}
    if not all(addresses.values()):
        return None
    return Entries.at(addresses, "machine code", engine)


def _read(path: Path) -> tuple[dict | None, bytes]:
    if path.stat().st_size > MAX_BYTES:
        return None, b""
    data = path.read_bytes()
    if not data.startswith(_MAGIC):
        return None, b""
    line_end = data.index(b"\n", len(_MAGIC))
    header = json.loads(data[len(_MAGIC):line_end])
    code = data[line_end + 1:]
    if (hashlib.blake2b(code, digest_size=20).hexdigest() != header.get("digest")
            or set(header.get("symbols", {})) != set(SIGNATURES)):
        return None, b""
    return header["symbols"], code


def _compile() -> Entries:
    from . import search_kernels

    made = search_kernels.compile_entries()
    entries = Entries.at({name: f.address for name, f in made.items()}, "numba", made)
    try:
        write(made, entries)
    except Exception:  # noqa: BLE001 - only a saving for later processes
        pass
    return entries


def write(made: dict, entries: Entries, folders: list[Path] | None = None) -> Path | None:
    """Keep the machine code of ``made`` (numba cfuncs, which ``entries`` calls) in the
    first folder that takes it, once a new process has loaded it and solved the test
    problem as ``entries`` does.  Returns the file, or None."""
    import llvmlite.binding as llvm

    code = object_code(llvm, {name: f.inspect_llvm() for name, f in made.items()})
    header = {"symbols": {name: f.native_name for name, f in made.items()},
              "digest": hashlib.blake2b(code, digest_size=20).hexdigest()}
    content = _MAGIC + json.dumps(header).encode() + b"\n" + code
    expected = _test_answer(entries)
    name = _file_name(llvm)
    for folder in folders or _folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".~search-", suffix=".part", dir=folder)
        except OSError:
            continue
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other accounts
            if _answer_elsewhere(Path(temporary)) != expected:
                return None  # the same on any folder: this code is not to be kept
            os.replace(temporary, folder / name)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(folder)
        return folder / name
    return None


def object_code(llvm, modules: dict[str, str]) -> bytes:
    """One object file for this CPU from the entry points' LLVM IR, numba's error path
    given empty bodies.  Raises ValueError when the code declares anything else."""
    linked = None
    for text in modules.values():
        module = llvm.parse_assembly(_standalone(text))
        if linked is None:
            linked = module
        else:
            linked.link_in(module)
    linked.verify()
    return _target_machine(llvm).emit_object(linked)


def _standalone(ir: str) -> str:
    lines = []
    for line in ir.splitlines():
        declared = _DECLARED.match(line)
        external = _EXTERNAL.match(line)
        if declared and not declared.group(2).startswith("llvm."):
            result, name, params = declared.groups()
            if not _UNREACHED.match(name):
                raise ValueError(f"the search's code calls {name}")
            value = {"void": "", "ptr": " null", "double": " 0.0", "float": " 0.0"}.get(
                result, " 0")
            line = f"define internal {result} @{name}({params}) {{\n  ret {result}{value}\n}}"
        elif external:
            if not _UNREACHED.match(external.group(2)):
                raise ValueError(f"the search's code reads {external.group(2)}")
            line = f"{external.group(1)} = internal global {external.group(3)} zeroinitializer"
        elif line.startswith("declare") and "@llvm." not in line:
            raise ValueError(f"unexpected declaration: {line}")
        lines.append(line)
    return "\n".join(lines)


def _target_machine(llvm):
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    return llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
        opt=3, codemodel="jitdefault", jit=True)


def _file_name(llvm) -> str:
    import llvmlite

    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for part in ((here / "search_kernels.py").read_bytes(), Path(__file__).read_bytes(),
                 llvmlite.__version__.encode(),
                 llvm.get_default_triple().encode(), llvm.get_host_cpu_name().encode(),
                 llvm.get_host_cpu_features().flatten().encode()):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return f"search-{digest.hexdigest()}.o"


def _folders() -> list[Path]:
    from platformdirs import user_cache_dir

    return [Path(__file__).parent / "__pycache__",
            Path(user_cache_dir("xltools", appauthor=False)) / "search"]


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("search-*.o"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


class _Call:
    """A C entry point that takes numpy arrays for its pointers, each checked for its type
    and layout: a wrong one would have the machine code read or write the wrong memory."""

    def __init__(self, name: str, address: int) -> None:
        result, self.params = SIGNATURES[name]
        restype = None if result == "void" else _SCALARS[result]
        argtypes = [_SCALARS.get(p, ctypes.c_void_p) for p in self.params]
        self.name = name
        self.function = ctypes.CFUNCTYPE(restype, *argtypes)(address)

    def __call__(self, *args):
        if len(args) != len(self.params):
            raise TypeError(f"{self.name} takes {len(self.params)} arguments")
        converted = []
        for kind, arg in zip(self.params, args):
            if kind in _DTYPES:
                if (not isinstance(arg, np.ndarray) or arg.dtype != _DTYPES[kind]
                        or not arg.flags.c_contiguous or not arg.flags.writeable):
                    raise TypeError(f"{self.name}: {kind} wanted")
                converted.append(arg.ctypes.data)
            else:
                converted.append(float(arg) if kind == "f64" else int(arg))
        return self.function(*converted)


def _test_problem() -> tuple:
    """A problem the search needs many iterations for: atoms in random overlapping figures."""
    from .rounding_exact import Cells

    rng = np.random.default_rng(20240101)
    n = 600
    rem = rng.integers(0, 10_000, n).astype(np.int64)
    members = [np.arange(n)] + [np.unique(rng.integers(0, n, rng.integers(2, 80)))
                                for _ in range(400)]
    indptr = np.concatenate(([0], np.cumsum([len(m) for m in members]))).astype(np.int64)
    indices = np.concatenate(members).astype(np.int32)
    order = np.arange(n, dtype=np.int64)
    cur = (np.cumsum(rem) + 5_000) // 10_000
    up = np.diff(cur, prepend=0).astype(np.int64)
    cells = Cells(indptr, indices)
    dev = cells.sums(up) * 10_000 - cells.sums(rem)
    return cells, rem, up, dev, order


def _test_answer(entries: Entries) -> list:
    from . import rounding_search

    cells, rem, up, dev, order = _test_problem()
    iterations = rounding_search.search(cells, rem, up, dev, 10_000, 5_000, 7, order,
                                        entries=entries)
    return [int(iterations), up.tolist(), dev.tolist()]


def _answer_elsewhere(path: Path) -> list | None:
    """The test problem's answer from the machine code at ``path``, in a new process — only
    where this process was started by a Python interpreter one can start again (not where
    Python is embedded in another program)."""
    if not Path(sys.executable or "").name.lower().startswith("python"):
        return None
    script = ("import json, sys; from pathlib import Path; import llvmlite.binding as llvm; "
              "from xltools import search_code as s; "
              "e = s._load_file(llvm, Path(sys.argv[1])); "
              "print(json.dumps(s._test_answer(e) if e else None))")
    try:
        done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                              text=True, timeout=120, cwd=str(Path(__file__).parent.parent),
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
