"""manifest.json as a record: read back from every build, written back byte for byte, refused when malformed."""

from __future__ import annotations

import json
import shutil

from pipeline.outputs.manifest import MANIFEST, Manifest, dumps, read_manifest


def test_every_build_manifest_reads_as_a_record_and_writes_back_the_same_bytes(built):
    folders = sorted(path for path in built.iterdir() if (path / MANIFEST).exists())
    assert len(folders) >= 4
    for folder in folders:
        manifest = read_manifest(folder)
        assert isinstance(manifest, Manifest), folder
        assert dumps(manifest) == (folder / MANIFEST).read_bytes()
        assert manifest.case == folder.name and manifest.fingerprints
        assert {file.path for file in manifest.files} == {p.name for p in folder.glob("*.docx")}


def test_the_organ_and_who_issues_are_named_for_what_they_are(built):
    manifest = read_manifest(built / "lang-son-2023-issued")
    assert manifest.decision.organ == "Ủy ban nhân dân tỉnh Lạng Sơn"
    assert manifest.decision.issuing_body == "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn"
    data = json.loads((built / "lang-son-2023-issued" / MANIFEST).read_text(encoding="utf-8"))["decision"]
    assert (data["issuing_body"], data["authority"]) == (manifest.decision.organ, manifest.decision.issuing_body)


def test_a_manifest_of_another_shape_is_not_trusted(built, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(built / "lang-son-2023-issued", folder)
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for broken in ({**data, "files": [{"path": 5, "kind": "decision", "sha256": "x"}]},
                   {**data, "decision": {**data["decision"], "signer": None}},
                   {**data, "citations": [{"id": "x"}]}, [data], "manifest"):
        (folder / MANIFEST).write_text(json.dumps(broken), encoding="utf-8")
        assert read_manifest(folder) is None, broken
    (folder / MANIFEST).write_bytes(b"\xff{")
    assert read_manifest(folder) is None
    assert read_manifest(tmp_path / "khong-co") is None
