from pathlib import Path

import pytest

from assistant.errors import CorpusError
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of, sync


def _manifest(src: Path) -> Manifest:
    base = load_manifest()
    docs = [Document(id=n, file=f, title=n, series="kcsie", edition="2025",
                     kind="statutory-guidance", status="in-force", numbered_paragraphs=True,
                     sha256=sha256_of(src / f)) for n, f in (("a", "a.txt"), ("b", "sub/b.txt"))]
    return Manifest(series=base.series, editions=base.editions, documents=docs)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    (tmp_path / "src" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "a.txt").write_text("alpha")
    (tmp_path / "src" / "sub" / "b.txt").write_text("beta")
    return tmp_path / "src"


def test_sync_copies_and_checks(src: Path, tmp_path: Path) -> None:
    m = _manifest(src)
    assert sorted(sync(m, src, tmp_path / "dest")) == ["a", "b"]
    assert (tmp_path / "dest" / "sub" / "b.txt").read_text() == "beta"
    assert sync(m, src, tmp_path / "dest") == []  # already in place


def test_altered_file_changes_nothing(src: Path, tmp_path: Path) -> None:
    m = _manifest(src)
    (src / "sub" / "b.txt").write_text("tampered")
    with pytest.raises(CorpusError, match="does not match the manifest"):
        sync(m, src, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_missing_file_and_folder(src: Path, tmp_path: Path) -> None:
    m = _manifest(src)
    (src / "a.txt").unlink()
    with pytest.raises(CorpusError, match="a.txt is missing"):
        sync(m, src, tmp_path / "dest")
    with pytest.raises(CorpusError, match="does not exist"):
        sync(m, tmp_path / "nowhere", tmp_path / "dest")


def test_manifest_covers_every_shared_corpus_file() -> None:
    from assistant.settings import Settings

    folder = Settings().corpus
    if not folder.is_dir():
        pytest.skip("no shared corpus")
    files = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
             and p.name != "README.md"}
    m = load_manifest()
    assert files == {d.file for d in m.documents}
    for d in m.documents:
        assert sha256_of(folder / d.file) == d.sha256, d.id


def test_every_bad_file_is_named(src: Path, tmp_path: Path) -> None:
    (src / "c.txt").write_text("gamma")
    base = _manifest(src)
    extra = base.documents[0].model_copy(update={"id": "c", "file": "c.txt",
                                                  "sha256": sha256_of(src / "c.txt")})
    m = base.model_copy(update={"documents": [*base.documents, extra]})
    (src / "a.txt").unlink()
    (src / "sub" / "b.txt").write_text("tampered")
    with pytest.raises(CorpusError) as err:
        sync(m, src, tmp_path / "dest")
    lines = str(err.value).splitlines()
    assert lines[0] == "2 of 3 corpus files cannot be used; nothing was changed:"
    assert lines[1].strip().startswith("a: ") and "a.txt is missing" in lines[1]
    assert lines[2].strip().startswith("b: ") and "does not match the manifest" in lines[2]
    assert len(lines) == 3 and not (tmp_path / "dest").exists()
