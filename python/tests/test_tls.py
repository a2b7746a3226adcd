"""Tests: the Client over TLS and mutual TLS to a real qgradd, with certificates made at
test time by the openssl CLI (a CA, a server certificate for localhost/127.0.0.1, a
client certificate, and a second CA that the server does not trust)."""
import os
import secrets
import shutil
import subprocess

import pytest

import qgrad

from conftest import EXAMPLES, start_qgradd_for_testing, stop_qgradd_for_testing

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl CLI")

EC = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"


def openssl(work, command):
    subprocess.run(f"openssl {command}", shell=True, cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(work, name):
    openssl(work, f"req -x509 {EC} -keyout {name}.key -out {name}.pem -days 2 -subj /CN={name}")


def make_leaf(work, name, ca, extensions):
    (work / f"{name}.ext").write_text(extensions)
    openssl(work, f"req {EC} -keyout {name}.key -out {name}.csr -subj /CN={name}")
    openssl(work, f"x509 -req -in {name}.csr -CA {ca}.pem -CAkey {ca}.key -CAcreateserial "
                  f"-out {name}.pem -days 2 -extfile {name}.ext")


@pytest.fixture(scope="module")
def tls_qgradd(tmp_path_factory):
    """A qgradd that requires client certificates from `ca`; yields (work, address, token)."""
    work = tmp_path_factory.mktemp("tls")
    make_ca(work, "ca")
    make_ca(work, "other_ca")
    make_leaf(work, "server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                    "extendedKeyUsage=serverAuth\n")
    make_leaf(work, "client", "ca", "extendedKeyUsage=clientAuth\n")
    token = secrets.token_hex(16)
    process, address = start_qgradd_for_testing(
        str(work), {"lab1": token},
        [f"--tls_cert={work}/server.pem", f"--tls_key={work}/server.key",
         f"--tls_client_ca={work}/ca.pem", "--require_client_cert"])
    yield work, address, token
    stop_qgradd_for_testing(process)


def test_mutual_tls_round_trip(tls_qgradd):
    work, address, token = tls_qgradd
    # The certificate names localhost; the client dials the IP and checks that name.
    with qgrad.Client(address, token, tls_ca=work / "ca.pem", tls_cert=str(work / "client.pem"),
                      tls_key=(work / "client.key").read_bytes(), tls_server_name="localhost",
                      timeout=10) as client:
        assert "statevector" in {b.name for b in client.backends()}
        job = client.submit(os.path.join(EXAMPLES, "maxcut.json"))
        assert job.wait(timeout=20).state == "SUCCEEDED"


@pytest.mark.parametrize("case", ["plaintext", "untrusted_server_ca", "no_client_cert"])
def test_tls_refusals_are_unavailable(tls_qgradd, case):
    work, address, token = tls_qgradd
    kwargs = {"plaintext": {},
              "untrusted_server_ca": dict(tls_ca=work / "other_ca.pem",
                                          tls_cert=work / "client.pem",
                                          tls_key=work / "client.key"),
              "no_client_cert": dict(tls_ca=work / "ca.pem")}[case]
    with qgrad.Client(address, token, tls_server_name="localhost", timeout=5,
                      **kwargs) as client:
        with pytest.raises(qgrad.Unavailable):
            client.backends()
