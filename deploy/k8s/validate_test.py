#!/usr/bin/env python3
# Tests of deploy/k8s/validate.py: the real manifests pass, and broken copies of them
# (unknown field, wrong type, missing required field, unknown kind, bad quantity, bad
# enum value, duplicate key, a kustomization naming a missing file) fail with the file,
# document, line and JSON path of the error. With kubectl on PATH the rendered
# `kubectl kustomize` output of deploy/k8s and deploy/k8s/demo is validated too.
#
#   python3 deploy/k8s/validate_test.py          # or: python3 -m unittest (from deploy/k8s)
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import validate  # noqa: E402


def run(*paths, stdin=None):
    """(exit status, output) of validate.py on the paths."""
    out = io.StringIO()
    old_stdin = sys.stdin
    try:
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        with contextlib.redirect_stdout(out):
            status = validate.main(["validate.py", *paths])
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue()


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


class ValidateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="validate_test.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, docs, name="broken.yaml"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all(docs, f, sort_keys=False)
        return path

    def broken_deployment(self, mutate):
        [deployment] = load("base/deployment.yaml")
        mutate(deployment)
        return self.write([deployment])

    def assert_fails(self, path, *expected):
        status, output = run(path)
        self.assertEqual(status, 1, output)
        for text in expected:
            self.assertIn(text, output)
        return output

    def test_real_manifests_pass(self):
        status, output = run()
        self.assertEqual(status, 0, output)
        # base (6), the top kustomization, demo (3 + kustomization), the Secret templates (3).
        self.assertIn("15 document(s) valid", output)

    def test_unknown_field(self):
        def mutate(d):
            d["spec"]["replica"] = d["spec"].pop("replicas")
        path = self.broken_deployment(mutate)
        self.assert_fails(path, f"{path}:", "document 1 (Deployment qgradd)",
                          "$.spec.replica: unknown field 'replica'")

    def test_unknown_field_deep_in_the_pod_template(self):
        def mutate(d):
            d["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnly"] = True
        self.assert_fails(self.broken_deployment(mutate),
                          "$.spec.template.spec.containers[0].securityContext.readOnly: "
                          "unknown field")

    def test_wrong_type(self):
        def mutate(d):
            d["spec"]["replicas"] = "three"
        self.assert_fails(self.broken_deployment(mutate),
                          "$.spec.replicas: 'three' is not of type 'integer'")

    def test_missing_required_containers(self):
        def mutate(d):
            del d["spec"]["template"]["spec"]["containers"]
        self.assert_fails(self.broken_deployment(mutate),
                          "$.spec.template.spec: 'containers' is a required property")

    def test_unknown_kind(self):
        [service] = load("base/service.yaml")
        service["kind"] = "Servise"
        self.assert_fails(self.write([service]), "unknown apiVersion/kind v1/Servise")

    def test_unknown_api_version(self):
        [pdb] = load("base/poddisruptionbudget.yaml")
        pdb["apiVersion"] = "policy/v1beta1"
        self.assert_fails(self.write([pdb]), "unknown apiVersion/kind policy/v1beta1/")

    def test_int_or_string(self):
        [service] = load("base/service.yaml")
        service["spec"]["ports"][0]["targetPort"] = 50051   # an int is as good as a name
        status, output = run(self.write([service]))
        self.assertEqual(status, 0, output)
        service["spec"]["ports"][0]["targetPort"] = [50051]
        self.assert_fails(self.write([service]), "$.spec.ports[0].targetPort: [50051] is "
                          "neither an integer nor a (non-empty) string")

    def test_quantity(self):
        def mutate(d):
            d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] = "2GB"
        self.assert_fails(self.broken_deployment(mutate),
                          "resources.limits.memory: '2GB' is not a resource quantity")

    def test_enum(self):
        def mutate(d):
            d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Sometimes"
        self.assert_fails(self.broken_deployment(mutate), "'Sometimes' is not one of")

    def test_missing_name_and_error_in_second_document(self):
        docs = load("demo/postgres.yaml")
        del docs[1]["metadata"]["name"]
        self.assert_fails(self.write(docs), "document 2 (StatefulSet ?)",
                          "metadata.name is required")

    def test_line_of_the_error(self):
        path = os.path.join(self.dir, "lines.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("# comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                    "data:\n  a: b\nbinaryData:\n  c: not base64!\n")
        self.assert_fails(path, f"{path}:9: document 1 (ConfigMap x): "
                                "$.binaryData.c: 'not base64!' does not match")

    def test_duplicate_key(self):
        path = os.path.join(self.dir, "dup.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n")
        self.assert_fails(path, "duplicate key 'name'")

    def test_kustomization_naming_a_missing_file(self):
        path = os.path.join(self.dir, "kustomization.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    "resources:\n  - gone.yaml\nresourcs: []\n")
        self.assert_fails(path, "$.resources[0]: gone.yaml does not exist",
                          "unexpected key 'resourcs'")

    def test_nulls_count_as_absent(self):
        [sa] = load("base/serviceaccount.yaml")
        sa["metadata"]["creationTimestamp"] = None
        status, output = run(self.write([sa]))
        self.assertEqual(status, 0, output)

    def test_schema_file_is_small(self):
        self.assertLess(os.path.getsize(validate.SCHEMA_FILE), 1 << 20)

    @unittest.skipUnless(shutil.which("kubectl"), "kubectl is not installed")
    def test_kustomize_output(self):
        for directory in (HERE, os.path.join(HERE, "demo")):
            rendered = subprocess.run(["kubectl", "kustomize", directory], check=True,
                                      capture_output=True, text=True).stdout
            status, output = run("-", stdin=rendered)
            self.assertEqual(status, 0, output)


if __name__ == "__main__":
    unittest.main(verbosity=1)
