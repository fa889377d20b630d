"""Writing files whole or not at all (ファイルの書き込み). Pure: no Django.

Every file yakuba writes for a person or another system goes through :func:`write_atomic`: a
temporary file beside the target (created exclusively, never through a link), fsync, rename over
the target, fsync of the folder. A crash or a kill leaves either the old file or the new one,
and at most a hidden ``.NAME.PID-*.tmp`` beside it, which the next write of that file removes
once the process PID is gone (:func:`remove_abandoned_temps`).
:func:`staged` is the same as a block, for a file whose rename waits on something else (the vault
renames inside the database transaction that records the file); :func:`write_new` is the same for a
file that must not exist yet.

None of them writes to an existing path that is a symbolic link or not a regular file (a device
such as ``/dev/null``, a FIFO, a folder): that is refused before anything is written
(:class:`UnsafeOutput`, exit 1), never replaced by a file nor written through.
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path
from contextlib import ExitStack, contextmanager
from typing import BinaryIO, Callable, Iterable, Iterator

from yakuba.errors import YakubaError

__all__ = ["fsync_dir", "check_not_special", "check_output", "SpecialFile", "process_alive", "remove_abandoned_temps", "commit_together", "staged", "staged_together", "Staged", "UnsafeOutput", "write_atomic", "write_bytes_atomic",
           "write_new"]


class UnsafeOutput(YakubaError):
    """An output path that is a symbolic link or not a regular file: refused, not replaced."""

    code = "files.unsafe_output"
    default_message = "出力先が通常のファイルではありません"


class SpecialFile(YakubaError):
    """A path given on the command line that is a device, a FIFO or a socket: never read or written
    (reading ``/dev/zero`` or a FIFO nobody writes to would never end)."""

    code = "files.special"
    default_message = "ファイルでもフォルダでもないもの（デバイス・FIFO など）は読み書きしません"


def check_not_special(value: object) -> None:
    """Refuse (``SpecialFile``) a string naming an existing device, FIFO or socket (followed
    through links); anything else — text, a missing path, a file, a folder, ``-`` — passes."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value or value == "-" or "\x00" in value:
        return
    try:
        mode = os.stat(value).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise SpecialFile(f"{SpecialFile.default_message}: {value}", where=value)


def check_output(path: Path | str) -> None:
    """Refuse (``UnsafeOutput``) an existing ``path`` that is a symlink or not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # the write itself will say why (a folder that is not there, no permission)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeOutput(f"出力先 {path} はシンボリックリンクです。リンク先を直接指定してください"
                           f" (the output is a symbolic link: refused)", where=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeOutput(f"出力先 {path} は通常のファイルではありません (デバイス・フォルダなど)"
                           f" (the output is not a regular file: refused)", where=str(path))


def fsync_dir(directory: Path) -> None:
    """Make a rename or an unlink in ``directory`` durable (no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_name(path: Path) -> Path:
    remove_abandoned_temps(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp")


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_abandoned_temps(path: Path | str) -> list[str]:
    """Remove the hidden temp files of ``path`` left by a writer that was killed (its process is
    gone); those of a process still running are left alone. The names removed."""
    path = Path(path)
    prefix, removed = f".{path.name}.", []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):-len(".tmp")].split("-", 1)[0]
        if not (pid_text.isdigit() and len(pid_text) < 10) or process_alive(int(pid_text)):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(name)
        except OSError:
            pass
    return removed


class Staged:
    """A file being written beside its target; :meth:`commit` puts it in place, else it vanishes."""

    def __init__(self, file: BinaryIO, tmp: Path, path: Path) -> None:
        self.file, self.tmp, self.path = file, tmp, path
        self.committed = False

    def commit(self) -> None:
        """fsync, rename over the target, fsync the folder: the new content is there whole."""
        self.sync()
        self.place()

    def sync(self) -> None:
        """The content on disk (fsync), the file closed; not in place yet."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def place(self) -> None:
        """Rename the synced file over the target and fsync the folder."""
        check_output(self.path)  # made a link or a device while we wrote: still refused
        os.replace(self.tmp, self.path)
        self.committed = True
        fsync_dir(self.path.parent)


@contextmanager
def staged_together(paths: Iterable[Path | str], *, mode: int = 0o600) -> Iterator[list[Staged]]:
    """:func:`staged` for several files that go out together (a result and its explanation): all
    are created (so a path that cannot be written is refused before any work), and
    :func:`commit_together` puts them in place only after every one is written and synced; on any
    failure before that, none of them is there."""
    with ExitStack() as stack:
        yield [stack.enter_context(staged(p, mode=mode)) for p in paths]


def commit_together(outs: Iterable[Staged]) -> None:
    """Sync every staged file, then rename each in place (see :func:`staged_together`)."""
    outs = list(outs)
    for out in outs:
        out.sync()
    for out in outs:
        out.place()


@contextmanager
def staged(path: Path | str, *, mode: int = 0o600) -> Iterator[Staged]:
    """A temp file beside ``path`` (exclusive, never through a link, exactly ``mode``) to write
    into; it replaces ``path`` only when the block calls ``commit()``, and is removed otherwise."""
    path = Path(path)
    check_output(path)
    tmp = _temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    except OSError as exc:  # name the file asked for, not the hidden temp beside it
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    try:
        os.fchmod(fd, mode)  # not narrowed by the umask: the mode asked for is the mode written
        file = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    out = Staged(file, tmp, path)
    try:
        yield out
    finally:
        if not out.committed:
            file.close()
            tmp.unlink(missing_ok=True)


def write_atomic(path: Path | str, writer: Callable[[BinaryIO], object], *, mode: int = 0o600,
                 keep_mode: bool = False) -> None:
    """Write through ``writer`` into a temp file beside ``path``, fsync, then rename over ``path``.

    A new file gets ``mode``; with ``keep_mode`` a file that is replaced keeps its own. On any
    failure the temp file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    if keep_mode:
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            pass
    with staged(path, mode=mode) as out:
        writer(out.file)
        out.commit()


def write_bytes_atomic(path: Path | str, data: bytes, *, mode: int = 0o600, keep_mode: bool = False) -> None:
    """``data`` into ``path``, whole or not at all (see :func:`write_atomic`)."""
    write_atomic(path, lambda f: f.write(data), mode=mode, keep_mode=keep_mode)


def write_new(path: Path, data: bytes, *, mode: int = 0o600) -> bool:
    """Create ``path`` with ``data`` unless it exists; complete or absent, never half-written.

    Returns False (and writes nothing) when ``path`` already exists — another process won.
    """
    if os.path.lexists(path):
        check_output(path)
        return False
    tmp = _temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails when path exists: no clobbering
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: fall back to an exclusive create.
            try:
                fd2 = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            except FileExistsError:
                return False
            with os.fdopen(fd2, "wb") as f2:
                f2.write(data)
                f2.flush()
                os.fsync(f2.fileno())
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return True
