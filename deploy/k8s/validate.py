#!/usr/bin/env python3
# Offline schema validation of the Kubernetes manifests under deploy/k8s: every YAML
# document is checked against the Kubernetes OpenAPI schema of its apiVersion and kind
# (committed in schema/kubernetes-subset.json, so no network and no cluster are needed),
# strictly: unknown fields are errors (as `kubectl apply --validate=strict` makes them),
# required fields are enforced, int-or-string and resource quantities are checked.
#
#   deploy/k8s/validate.py [PATH ...]     # default: every *.yaml under deploy/k8s
#   kubectl kustomize deploy/k8s | deploy/k8s/validate.py -    # the rendered output
#
# Exit status 0 when everything is valid; 1 with one line per error, as
#   FILE:LINE: document N (Kind name): $.json.path: message
# where LINE is that of the offending value. Needs python3-yaml and python3-jsonschema
# (Debian 12: jsonschema 4.10; newer versions work too).
#
# kustomization.yaml files are not Kubernetes objects: their own keys are checked against
# a short list, and every file they name must exist. A null value counts as absent, as it
# does for the API server.
import json
import os
import re
import sys

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_FILE = os.path.join(HERE, "schema", "kubernetes-subset.json")

# The OpenAPI v2 document states no enumerations (only its descriptions list the values);
# these are the ones the API reference gives for fields the manifests here use. Keyed by
# (definition, property).
ENUMS = {
    ("io.k8s.api.core.v1.Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("io.k8s.api.core.v1.Container", "terminationMessagePolicy"):
        ["File", "FallbackToLogsOnError"],
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.core.v1.ServicePort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.core.v1.PodSpec", "restartPolicy"): ["Always", "OnFailure", "Never"],
    ("io.k8s.api.core.v1.PodSpec", "dnsPolicy"):
        ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    ("io.k8s.api.core.v1.ServiceSpec", "type"):
        ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    ("io.k8s.api.core.v1.ServiceSpec", "sessionAffinity"): ["ClientIP", "None"],
    ("io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy"): ["Cluster", "Local"],
    ("io.k8s.api.core.v1.SeccompProfile", "type"): ["RuntimeDefault", "Unconfined", "Localhost"],
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable"):
        ["DoNotSchedule", "ScheduleAnyway"],
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode"): ["Filesystem", "Block"],
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ["Recreate", "RollingUpdate"],
    ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ["OrderedReady", "Parallel"],
    ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"):
        ["IfHealthyBudget", "AlwaysAllow"],
}
ENUM_ARRAYS = {
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "accessModes"):
        ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"],
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes"): ["Ingress", "Egress"],
}

# A resource quantity ("500m", "2Gi", "1e3", 4): a string of this form or a number.
QUANTITY = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$"
BASE64 = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
INT_OR_STRING = {"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]}

# Keys of a kustomization.yaml (kustomize.config.k8s.io/v1beta1) this directory may use.
KUSTOMIZATION_KEYS = {
    "apiVersion", "kind", "namespace", "namePrefix", "nameSuffix", "resources", "components",
    "labels", "commonLabels", "commonAnnotations", "images", "patches", "replicas",
    "configMapGenerator", "secretGenerator", "generatorOptions",
}


def tighten(schema, definition=None):
    """The Kubernetes schema made strict and JSON-Schema exact, recursively."""
    if isinstance(schema, list):
        return [tighten(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("x-kubernetes-int-or-string") or schema.get("format") == "int-or-string":
        return dict(INT_OR_STRING)
    out = {}
    for key, value in schema.items():
        if key == "properties":
            props = {}
            for name, sub in value.items():
                sub = tighten(sub)
                if (definition, name) in ENUMS:
                    sub = dict(sub, enum=ENUMS[(definition, name)])
                if (definition, name) in ENUM_ARRAYS:
                    sub = dict(sub, items={"type": "string",
                                           "enum": ENUM_ARRAYS[(definition, name)]})
                props[name] = sub
            out[key] = props
        elif key in ("items", "additionalProperties"):
            out[key] = tighten(value)
        elif key == "format" and value == "byte":
            out["pattern"] = BASE64
        elif not key.startswith("x-"):
            out[key] = value
    if "properties" in schema and "additionalProperties" not in schema and \
            not schema.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def load_schema():
    with open(SCHEMA_FILE, encoding="utf-8") as f:
        subset = json.load(f)
    definitions = {name: tighten(s, name) for name, s in subset["definitions"].items()}
    quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"
    if quantity in definitions:
        definitions[quantity] = {"anyOf": [{"type": "number"},
                                           {"type": "string", "pattern": QUANTITY}]}
    return subset["kinds"], definitions


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (the API server's strict decoding does)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def documents(path):
    """(node, object) of every non-empty YAML document in the file ("-": stdin)."""
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    loader = StrictLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            if data is not None:
                yield node, data
    finally:
        loader.dispose()


def line_of(node, parts):
    """1-based line of the value at a JSON path inside a composed YAML node (as deep as
    the path can be followed)."""
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and
                     k.value == str(part)]
            if not found:
                break
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and \
                part < len(node.value):
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1


def drop_nulls(value):
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if re.fullmatch(r"[A-Za-z_][\w-]*", p)
                                                     else f"[{json.dumps(p)}]")
    return out


def leaf_errors(error):
    """(path, message) of the most specific errors of a failed anyOf, or of the error."""
    path = list(error.absolute_path)
    if error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        if deepest > len(path):
            return [item for e in error.context if len(e.absolute_path) == deepest
                    for item in leaf_errors(e)]
        if any(e.validator == "pattern" and e.validator_value == QUANTITY
               for e in error.context):
            return [(path, f"{error.instance!r} is not a resource quantity "
                           "(like 500m, 0.5, 2Gi, 1G)")]
        if error.schema == INT_OR_STRING:
            return [(path, f"{error.instance!r} is neither an integer nor a (non-empty) string")]
        alternatives = "; ".join(sorted({e.message for e in error.context}))
        return [(path, f"{error.instance!r} is none of the allowed forms ({alternatives})")]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [(path + [k], f"unknown field {k!r}") for k in sorted(error.instance)
                if k not in known]
    return [(path, error.message)]


def check_object(obj, kinds, definitions):
    """(path, message) of the errors of one Kubernetes object."""
    if not isinstance(obj, dict):
        return [([], "a manifest must be a mapping")]
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [([], "apiVersion and kind are required strings")]
    name = kinds.get(f"{api_version}/{kind}")
    if name is None:
        known = ", ".join(sorted(kinds))
        return [(["kind"], f"unknown apiVersion/kind {api_version}/{kind} (the schema knows "
                           f"{known}; add it to schema/extract.py KINDS and regenerate)")]
    schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
    validator = jsonschema.Draft7Validator(schema)
    errors = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.path))):
        errors.extend(leaf_errors(error))
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict) or not (metadata.get("name") or
                                                metadata.get("generateName")):
        errors.append((["metadata"], "metadata.name is required"))
    return errors


def check_kustomization(path, obj):
    if not isinstance(obj, dict):
        return [([], "a kustomization must be a mapping")]
    errors = [([k], f"unexpected key {k!r} (not in validate.py KUSTOMIZATION_KEYS)")
              for k in obj if k not in KUSTOMIZATION_KEYS]
    if obj.get("kind") != "Kustomization":
        errors.append((["kind"], "must be Kustomization"))
    base = os.path.dirname(path)
    for i, resource in enumerate(obj.get("resources") or []):
        if not isinstance(resource, str) or not os.path.exists(os.path.join(base, resource)):
            errors.append((["resources", i], f"{resource} does not exist"))
    return errors


def yaml_files(paths):
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith((".yaml", ".yml")):
                        yield os.path.join(root, f)
        else:
            yield path


def main(argv):
    paths = argv[1:] or [HERE]
    kinds, definitions = load_schema()
    failures = count = 0
    for path in yaml_files(paths):
        try:
            docs = list(documents(path))
        except (OSError, yaml.YAMLError) as e:
            print(f"{path}: {e}".replace("\n", " "))
            failures += 1
            continue
        for index, (node, obj) in enumerate(docs, start=1):
            count += 1
            obj = drop_nulls(obj)
            if os.path.basename(path) in ("kustomization.yaml", "kustomization.yml"):
                what, errors = "Kustomization", check_kustomization(path, obj)
            else:
                meta = obj.get("metadata") if isinstance(obj, dict) else None
                what = f"{obj.get('kind', '?') if isinstance(obj, dict) else '?'} " \
                       f"{(meta or {}).get('name', '?') if isinstance(meta, dict) else '?'}"
                errors = check_object(obj, kinds, definitions)
            for parts, message in errors:
                print(f"{path}:{line_of(node, parts)}: document {index} ({what}): "
                      f"{json_path(parts)}: {message}")
            failures += len(errors)
    if count == 0:
        print("validate.py: no YAML documents found in " + " ".join(paths))
        return 1
    if failures:
        print(f"validate.py: {failures} error(s) in {count} document(s)")
        return 1
    print(f"validate.py: {count} document(s) valid against Kubernetes "
          f"{load_version()} schemas")
    return 0


def load_version():
    with open(SCHEMA_FILE, encoding="utf-8") as f:
        return json.load(f).get("kubernetesVersion") or "(unknown version)"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
