#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The evidence bundle's verifier (src/app/evidence/verify.py) against the RFC 9162 test vectors
of transparency-dev/merkle (shared/vectors beside the repository), as the C++ tree is tested:
its inclusion and consistency verification must give every case's expected verdict, and its
expected proof lengths must match the RFC's recursive definition.

    verifier_vectors.py VERIFY_PY VECTORS_DIR
"""
import base64
import glob
import importlib.util
import json
import os
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("verify", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def value(text):
    """A vector's base64 value; one that is not base64 stays distinct from every hash."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return b"not base64: " + text.encode()


def path_length(m, n):
    if n <= 1:
        return 0
    k = 1 << ((n - 1).bit_length() - 1)
    return 1 + (path_length(m, k) if m < k else path_length(m - k, n - k))


def main(verify_py, vectors):
    v = load(verify_py)
    failures, cases = [], 0
    for f in sorted(glob.glob(os.path.join(vectors, "inclusion", "**", "*.json"), recursive=True)):
        c = json.load(open(f))
        cases += 1
        leaf, root = value(c["leafHash"]), value(c["root"])
        proof = [value(p) for p in c["proof"] or []]
        ok = len(leaf) == 32 and len(root) == 32 and v.verify_inclusion(c["leafIdx"], c["treeSize"], leaf, proof, root)
        if ok == c["wantErr"]:
            failures.append(f)
    for f in sorted(glob.glob(os.path.join(vectors, "consistency", "**", "*.json"), recursive=True)):
        c = json.load(open(f))
        cases += 1
        proof = [value(p) for p in c["proof"] or []]
        ok = v.verify_consistency(c["size1"], c["size2"], value(c["root1"]), value(c["root2"]), proof)
        if ok == c["wantErr"]:
            failures.append(f)
    for n in range(1, 130):
        for m in range(n):
            if v.inclusion_path_length(m, n) != path_length(m, n):
                failures.append("inclusion_path_length(%d, %d)" % (m, n))
    if cases < 100:
        failures.append("only %d vectors found in %s" % (cases, vectors))
    for failure in failures:
        print("FAIL:", failure)
    print("%d vectors, %d failures" % (cases, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
