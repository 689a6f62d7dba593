"""The built understander kept on disk, so a new process (`run.py ask`, a worker) starts fast.

Building the indexes from content/ takes 0.3-0.6 s and jieba's table 0.45-0.9 s; reading both
back takes ≈0.1 s. The file's name is a digest of everything the build reads or runs: every
file under the content directory, the source of bot/nlp/ and of the helpers it uses from
bot/common/ (text.py, yamlfile.py), and the versions of
Python and jieba. A change to any of them gives a new name, so a stale file is never read; an
unreadable file is rebuilt. Older files of this kind in the directory are removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import jieba

from bot.nlp import segment
from bot.nlp.understander import Understander

FORMAT = 1
_BOT = Path(__file__).resolve().parent.parent
CODE = (_BOT / "nlp", _BOT / "common" / "text.py", _BOT / "common" / "yamlfile.py")


def content_key(content_dir: Path) -> str:
    """A digest of the content files, the NLP code and the versions the build depends on."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {jieba.__version__}".encode())
    files = sorted(p for p in content_dir.rglob("*") if p.is_file())
    code = sorted(p for c in CODE for p in ([c] if c.is_file() else c.glob("*.py")))
    for path in files + code:
        name = path.relative_to(content_dir) if path in files else path.name
        digest.update(f"\0{name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_understander(content_dir: Path, cache_dir: Path) -> Understander:
    """The understander for content_dir, from cache_dir when built from the same content and
    code, else built (and stored there for the next process)."""
    userdict = content_dir / "nlp" / "userdict.txt"
    segment.init(userdict if userdict.exists() else None, cache_dir)
    path = cache_dir / f"understander-{content_key(content_dir)}.pickle"
    made = _read(path)
    if made is None:
        made = Understander.from_content(content_dir)
        _write(path, made)
    return made


def _read(path: Path) -> Understander | None:
    try:
        with path.open("rb") as f:
            made = pickle.load(f)
    except Exception:  # missing, truncated or from an incompatible build: rebuild
        return None
    return made if isinstance(made, Understander) else None


def _write(path: Path, made: Understander) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".understander-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(made, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("understander-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only place: the next process builds again
        pass
