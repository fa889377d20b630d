"""The 中間サーバー's retention run (a thread of its worker, `--retain-every`): a 副本 registered more
than 5 years ago is crypto-erased and its signed certificate kept in `erasures/`; a younger one stays.
Served, the thread's first run happens at start."""

from __future__ import annotations

import time
from pathlib import Path

from tests.linkage.services.gunicorn import serving
from tests.linkage.services.kit import CHILD, T0, Clock, fukuhon_bytes, private, services
from yakuba.linkage.intermediate import Intermediate
from yakuba.linkage.intermediate.core import Retention
from yakuba.privacy.erasure import verify_certificate
from yakuba.relay.certs import make_pki


def test_it_works(tmp_path: Path):
    clock = Clock()
    s = services(tmp_path, clock)
    local_id, data, _ = fukuhon_bytes()
    s.a.register(local_id, data, s.hub.enrol("city-a", CHILD).fugo)
    retention = Retention(s.a, 3600)
    clock.now = T0 + 4 * 365 * 86400
    assert retention.run_once() is None and s.a.read(local_id) == data
    clock.now = T0 + 5 * 365 * 86400 + 2 * 86400
    path = retention.run_once()
    assert path is not None and path.parent == tmp_path / "city-a" / "erasures" and private(path)
    certificate = verify_certificate(path.read_bytes())
    assert [i.object_id for i in certificate.items] == [local_id]
    assert "retention" in certificate.notes
    s.close()


def test_the_served_worker_runs_it(tmp_path: Path):
    pki = make_pki(tmp_path / "pki", clients=["hub"])
    s = services(tmp_path, Clock(int(time.time()) - 6 * 365 * 86400))
    local_id, data, _ = fukuhon_bytes()
    s.a.register(local_id, data, s.hub.enrol("city-a", CHILD).fugo)  # registered six years ago
    s.close()
    tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]
    with serving("intermediate", "--data", str(tmp_path / "city-a"), *tls, "--retain-every", "0.2"):
        deadline = time.monotonic() + 20
        while not list((tmp_path / "city-a" / "erasures").glob("retention-*.json")):
            assert time.monotonic() < deadline, "the retention run did not erase the old 副本"
            time.sleep(0.1)
    with Intermediate(tmp_path / "city-a") as a:
        assert a.db.query("SELECT count(*) FROM fukuhon")[0][0] == 0
