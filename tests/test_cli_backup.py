"""`esent backup` and `esent restore` (esent.cli_backup): sets that verify clean, refusals on
files that do not match what was said, and `esent verify` naming exactly what was damaged."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

import esent

pytestmark = pytest.mark.contract


def esent_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esent", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def make_instance(folder: pathlib.Path, name: str, rows: int = 50) -> pathlib.Path:
    """An instance's files (system path `folder/sys`) and a database, left closed."""
    db_path = folder / "data.edb"
    with esent.Instance(name, system_path=folder / "sys") as inst:
        with inst.session() as session:
            db = session.create_database(db_path)
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            for i in range(rows):
                table.insert({"id": i, "v": bytes([i % 251]) * 5000})
    return db_path


def backup(folder: pathlib.Path, db_path: pathlib.Path, target: pathlib.Path,
           *extra: str) -> subprocess.CompletedProcess[str]:
    return esent_cli("backup", target, "--system-path", folder / "sys", "--database", db_path,
                     *extra)


def test_backup_verify_restore(tmp_path: pathlib.Path, new_name) -> None:
    db_path = make_instance(tmp_path, new_name())
    out = backup(tmp_path, db_path, tmp_path / "full")
    assert out.returncode == 0, out.stderr
    assert "full backup set" in out.stdout
    check = esent_cli("verify", tmp_path / "full")
    assert check.returncode == 0, check.stdout + check.stderr
    inc = backup(tmp_path, db_path, tmp_path / "inc", "--incremental", "--parent",
                 tmp_path / "full", "--json")
    assert inc.returncode == 0, inc.stderr
    assert json.loads(inc.stdout)["manifest"]["kind"] == "incremental"
    assert esent_cli("verify", tmp_path / "inc").returncode == 0
    restored = esent_cli("restore", tmp_path / "full", tmp_path / "inc",
                         "--target", tmp_path / "out")
    assert restored.returncode == 0, restored.stderr
    with esent.Instance(new_name("check"), system_path=tmp_path / "check") as inst:
        with inst.session() as session:
            rows = list(session.attach_database(tmp_path / "out" / "data.edb").table("t"))
    assert [row["id"] for row in rows] == list(range(50))


@pytest.mark.parametrize("case", ["base-name", "log-path", "other-instance"])
def test_backup_refuses_files_that_do_not_match(tmp_path: pathlib.Path, new_name,
                                                case: str) -> None:
    db_path = make_instance(tmp_path, new_name())
    extra: list[str] = []
    if case == "base-name":
        extra = ["--base-name", "abc"]
    elif case == "log-path":
        (tmp_path / "empty").mkdir()
        extra = ["--log-path", str(tmp_path / "empty")]
    else:  # the checkpoint of another instance put in place of this one's
        make_instance(tmp_path / "other", new_name("other"))
        shutil.copyfile(tmp_path / "other" / "sys" / "edb.chk", tmp_path / "sys" / "edb.chk")
    out = backup(tmp_path, db_path, tmp_path / "set", *extra)
    assert out.returncode == 1
    assert out.stderr.startswith("esent backup: ") and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "set").exists()


def test_verify_names_a_missing_generation_and_a_changed_byte(tmp_path: pathlib.Path,
                                                             new_name) -> None:
    db_path = make_instance(tmp_path, new_name(), rows=200)
    # a second generation or more in the set: write more so the log rolls
    assert backup(tmp_path, db_path, tmp_path / "full").returncode == 0
    logs = sorted((tmp_path / "full" / "logs").iterdir())
    assert logs
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "full", damaged)
    (damaged / "logs" / logs[0].name).unlink()
    out = esent_cli("verify", damaged)
    assert out.returncode == 1
    generation = int(logs[0].stem[3:], 16)
    assert logs[0].name in out.stdout and (f"{generation:#x}" in out.stdout
                                           or f"{generation}" in out.stdout), out.stdout

    changed = tmp_path / "changed"
    shutil.copytree(tmp_path / "full", changed)
    image = next((changed / "databases").iterdir())
    page_size = int(esent.get_global_param("DatabasePageSize"))
    with open(image, "r+b") as stream:   # one byte inside data page 3 (file page 4)
        stream.seek(4 * page_size + 1000)
        byte = stream.read(1)[0]
        stream.seek(4 * page_size + 1000)
        stream.write(bytes([byte ^ 0x5A]))
    out = esent_cli("verify", changed)
    assert out.returncode == 1
    assert image.name in out.stdout and "page 3" in out.stdout, out.stdout
