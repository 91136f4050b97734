"""The container of a session file, read with bounded work: a zip archive of ``manifest.json``,
``session.json`` and ``arrays.npz`` (itself a zip of ``.npy`` arrays).

Every member's declared size is checked against a limit before it is read, and its actual
size against the declared one while it is read (so a zip bomb, also one inside
``arrays.npz``, costs no more than the limit).  Only stored and deflated members are read;
each array's header (type and shape) is read before its data, so the caller checks shapes
against the architecture before anything is allocated.  Arrays are decoded from their bytes
(never ``pickle``).  Whatever goes wrong is a ValueError in plain words.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from .bounded_json import parse_json
from .limits import MAX_ARRAY_BYTES, MAX_JSON_BYTES

MEMBERS = ("manifest.json", "session.json", "arrays.npz")
_ARRAY_NAME = re.compile(r"([a-z][a-z0-9_]{0,63})\.npy")
#: Room for the zip's own headers around the arrays' bytes.
_NPZ_OVERHEAD = 2**20
_MAX_ARRAYS = 64


class SessionArchive:
    """An open session file: ``manifest`` and ``document`` (parsed JSON) on opening; after
    :meth:`read_headers` (the caller checks the document first), ``headers`` (array name →
    (dtype, shape)) and :meth:`array` to read one array.  Close it when done."""

    def __init__(self, path):
        self.name = Path(path).name
        self._outer = _open_zip(path, self.name)
        self._npz = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self.headers: dict[str, tuple[np.dtype, tuple[int, ...]]] = {}
        self._offsets: dict[str, tuple[int, bool]] = {}
        try:
            self._members = _members(self._outer, self.name)
            self.manifest = parse_json(self._member("manifest.json", MAX_JSON_BYTES),
                                       f"{self.name}: the manifest")
            self.document = parse_json(self._member("session.json", MAX_JSON_BYTES),
                                       f"{self.name}: the session description")
        except BaseException:
            self.close()
            raise

    def _member(self, name: str, limit: int) -> bytes:
        return _read(self._outer, self._members[name], limit, self.name)

    def read_headers(self) -> None:
        """Read ``arrays.npz`` and the type and shape of every array in it (not their data)."""
        where = f"{self.name}: the arrays"
        raw = self._member("arrays.npz", MAX_ARRAY_BYTES + _NPZ_OVERHEAD)
        self._npz = _open_zip(io.BytesIO(raw), self.name, where)
        infos = self._npz.infolist()
        if len(infos) > _MAX_ARRAYS:
            raise ValueError(f"{where} hold {len(infos):,} parts; a session has at most "
                             f"{_MAX_ARRAYS}")
        total = 0
        for info in infos:
            match = _ARRAY_NAME.fullmatch(info.filename)
            if match is None:
                raise ValueError(f"{where} hold a part that is not an array")
            key = match.group(1)
            if key in self._infos:
                raise ValueError(f"{where} hold the same array twice")
            _check_member(info, f"{self.name}: an array")
            total += info.file_size
            if total > MAX_ARRAY_BYTES:
                raise ValueError(f"{where} are too large (more than "
                                 f"{MAX_ARRAY_BYTES // 2**20} MB unpacked)")
            self._infos[key] = info
        for key, info in self._infos.items():
            self.headers[key], self._offsets[key] = self._header(key, info)

    def _header(self, key: str, info: zipfile.ZipInfo):
        what = f"{self.name}: an array"
        try:
            with self._npz.open(info) as handle:
                head = handle.read(16_384)
            stream = io.BytesIO(head)
            version = npy_format.read_magic(stream)
            reader = (npy_format.read_array_header_1_0 if version == (1, 0)
                      else npy_format.read_array_header_2_0)
            shape, fortran, dtype = reader(stream)
            offset = stream.tell()
        except Exception:       # numpy's and zipfile's errors, from the file's bytes
            raise ValueError(f"{what} is damaged (its header cannot be read)") from None
        if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in "iuf" \
                or dtype.itemsize > 8:
            raise ValueError(f"{self.name}: the arrays hold something other than plain numbers")
        if len(shape) > 2:
            raise ValueError(f"{what} has {len(shape)} dimensions; at most 2 are used")
        count = 1
        for n in shape:
            count *= n
        if offset + count * dtype.itemsize != info.file_size:
            raise ValueError(f"{what} is damaged (its size does not match its shape)")
        return (dtype, tuple(int(n) for n in shape)), (offset, bool(fortran))

    def array(self, key: str) -> np.ndarray:
        """The array ``key``, in native byte order (a copy owned by the caller)."""
        info = self._infos[key]
        dtype, shape = self.headers[key]
        offset, fortran = self._offsets[key]
        raw = _read(self._npz, info, info.file_size, f"{self.name}: an array")
        data = np.frombuffer(raw, dtype=dtype, offset=offset)
        array = data.reshape(shape[::-1]).T if fortran else data.reshape(shape)
        return np.array(array, dtype=dtype.newbyteorder("="), order="C")

    def close(self) -> None:
        for archive in (self._npz, self._outer):
            if archive is not None:
                archive.close()


def _open_zip(source, name: str, what: str | None = None) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{name} is a folder, not a session file") from None
    except PermissionError:
        raise ValueError(f"{name} cannot be read (permission denied)") from None
    except Exception:           # BadZipFile, struct and size errors from a damaged archive
        if what is None:
            raise ValueError(f"{name} is not a Backprop Lab session (not a readable zip "
                             "archive)") from None
        raise ValueError(f"{what} are damaged (not a readable zip archive)") from None


def _members(archive: zipfile.ZipFile, name: str) -> dict:
    """The archive's members by name: exactly :data:`MEMBERS`, each readable by this app."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ValueError(f"{name} holds the same part twice; it has been tampered with")
    missing = [m for m in MEMBERS if m not in names]
    if missing:
        raise ValueError(f"{name} is not a complete Backprop Lab session ({missing[0]} is "
                         "missing)")
    if len(names) != len(MEMBERS):
        raise ValueError(f"{name} holds parts a session file does not have")
    for info in infos:
        _check_member(info, f"{name}: {info.filename}")
    return {info.filename: info for info in infos}


def _check_member(info: zipfile.ZipInfo, what: str) -> None:
    if info.flag_bits & 0x1:
        raise ValueError(f"{what} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{what} uses a kind of compression this app does not read")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    """The member's bytes: the declared size checked before reading, the actual size while
    reading (never more than ``limit`` bytes are unpacked)."""
    label = what if ":" in what else f"{what}: {info.filename}"
    if info.file_size > limit:
        raise ValueError(f"{label} is too large ({info.file_size:,} bytes unpacked; at most "
                         f"{limit:,})")
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
            extra = handle.read(1) if len(data) == info.file_size else b""
    except Exception:           # zlib, CRC, truncation and header errors
        raise ValueError(f"{label} is damaged (its data does not unpack)") from None
    if len(data) != info.file_size or extra:
        raise ValueError(f"{label} is damaged (its size is not the one declared)")
    return data
