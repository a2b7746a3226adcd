#!/usr/bin/python3
"""Regenerates the molecular test data in examples/data/molecules/ with psi4.

For every molecule below (geometry in Ångström, STO-3G, RHF, C1 symmetry, so the orbitals
come in ascending orbital-energy order) this writes

  <out>/<name>.FCIDUMP   the full orbital space (no orbital frozen in the file), written by
                         psi4's own fcidump() utility; frozen-core / frozen-virtual spaces are
                         made by the reader (problems/molecular.h: FreezeOrbitals);
  <out>/energies.json    per molecule the SCF energy and, per active space, psi4's exact
                         energy: FCI for the full space, CASCI with the RHF orbitals
                         (detci with frozen_docc / frozen_uocc) for a reduced one.

psi4 is NOT a build or test dependency; it is only needed to regenerate these files. On
Debian 12: `apt-get install -y psi4` (psi4 1.3.2; its Python module lives outside the
default path and needs the system Python 3, hence the shebang and the path below). Run from
the repository root:

  scripts/make_molecules.py [--out examples/data/molecules] [--only NAME ...]

It prints a Markdown table of the energies on stdout (the source of the table in
examples/data/molecules/README.md). All molecules together take about 10 s on one core.
"""

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile
import time

PSI4_PATHS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/python3/dist-packages"]


def import_psi4():
    try:
        import psi4  # noqa: F401
    except ImportError:
        for path in PSI4_PATHS:
            if os.path.isdir(os.path.join(path, "psi4")) and path not in sys.path:
                sys.path.insert(0, path)
    import psi4
    return psi4


# name, geometry (psi4 molecule block, Ångström), active spaces [(frozen core, frozen virtual)].
# Qubits = 2 × (orbitals − frozen core − frozen virtual).
MOLECULES = [
    # H4: linear chain, 1.0 Å spacing. 4 orbitals, 4 electrons -> 8 qubits.
    ("H4_chain_1.0", "H 0 0 0\nH 0 0 1.0\nH 0 0 2.0\nH 0 0 3.0", [(0, 0)]),
    # H4: square, 1.23 Å side (near-degenerate HOMO/LUMO: strongly correlated). 8 qubits.
    ("H4_square_1.23", "H 0 0 0\nH 1.23 0 0\nH 0 1.23 0\nH 1.23 1.23 0", [(0, 0)]),
    # LiH at 1.6 Å (the shared reference file, regenerated): 6 orbitals, 4 electrons;
    # 10 qubits with the Li 1s frozen, 12 all-electron.
    ("LiH_1.6", "Li 0 0 0\nH 0 0 1.6", [(1, 0), (0, 0)]),
    # HF at 0.917 Å: 6 orbitals, 10 electrons; 10 qubits with F 1s frozen, 12 all-electron.
    ("HF_0.917", "F 0 0 0\nH 0 0 0.917", [(1, 0), (0, 0)]),
    # H6: linear chain, 1.0 Å spacing. 6 orbitals, 6 electrons -> 12 qubits.
    ("H6_chain_1.0",
     "H 0 0 0\nH 0 0 1.0\nH 0 0 2.0\nH 0 0 3.0\nH 0 0 4.0\nH 0 0 5.0", [(0, 0)]),
    # BeH2: linear, Be-H 1.326 Å. 7 orbitals, 6 electrons; 12 qubits with Be 1s frozen,
    # 14 all-electron.
    ("BeH2_1.326", "Be 0 0 0\nH 0 0 1.326\nH 0 0 -1.326", [(1, 0), (0, 0)]),
    # H2O: O-H 0.958 Å, H-O-H 104.5°. 7 orbitals, 10 electrons; 12 qubits with O 1s frozen,
    # 14 all-electron.
    ("H2O_0.958_104.5", "O\nH 1 0.958\nH 1 0.958 2 104.5", [(1, 0), (0, 0)]),
]


def run_molecule(psi4, name, geometry, spaces, out_dir, scratch):
    psi4.core.clean()
    psi4.core.clean_options()
    psi4.core.set_output_file(os.path.join(scratch, name + ".out"), False)
    molecule = psi4.geometry(
        geometry + "\nunits angstrom\nsymmetry c1\nno_reorient\nno_com\n")
    psi4.set_options({
        "basis": "sto-3g",
        "reference": "rhf",
        "scf_type": "pk",
        "e_convergence": 1e-12,
        "d_convergence": 1e-10,
        "ints_tolerance": 1e-14,
        "freeze_core": "false",
    })
    scf_energy, scf_wfn = psi4.energy("scf", molecule=molecule, return_wfn=True)
    norb = scf_wfn.nmo()
    nelec = 2 * scf_wfn.nalpha() if scf_wfn.nalpha() == scf_wfn.nbeta() else None
    if nelec is None:
        raise SystemExit(name + ": open shell, not supported")
    fcidump_path = os.path.join(out_dir, name + ".FCIDUMP")
    psi4.fcidump(scf_wfn, fcidump_path)
    entry = {
        "file": name + ".FCIDUMP",
        "geometry_angstrom": geometry.split("\n"),
        "basis": "STO-3G",
        "orbitals": norb,
        "electrons": nelec,
        "scf_energy": scf_energy,
        "nuclear_repulsion": molecule.nuclear_repulsion_energy(),
        "spaces": [],
    }
    for frozen_core, frozen_virtual in spaces:
        psi4.set_options({
            "frozen_docc": [frozen_core],
            "frozen_uocc": [frozen_virtual],
            "ci_maxiter": 100,
            "r_convergence": 1e-9,
            "e_convergence": 1e-12,
        })
        exact = psi4.energy("fci", ref_wfn=scf_wfn, molecule=molecule)
        active = norb - frozen_core - frozen_virtual
        entry["spaces"].append({
            "frozen_core": frozen_core,
            "frozen_virtual": frozen_virtual,
            "active_electrons": nelec - 2 * frozen_core,
            "active_orbitals": active,
            "qubits": 2 * active,
            "method": "FCI" if frozen_core == 0 and frozen_virtual == 0 else "CASCI",
            "exact_energy": exact,
        })
        psi4.core.revoke_global_option_changed("FROZEN_DOCC")
        psi4.core.revoke_global_option_changed("FROZEN_UOCC")
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="examples/data/molecules")
    parser.add_argument("--only", nargs="*", help="molecule names (default: all)")
    args = parser.parse_args()
    # psi4 removes its own scratch files at exit; the directory goes after that (atexit
    # handlers run in reverse order of registration, psi4's is registered on import).
    scratch = tempfile.mkdtemp(prefix="make_molecules_")
    atexit.register(shutil.rmtree, scratch, True)
    psi4 = import_psi4()
    psi4.set_memory("1 GB")
    psi4.set_num_threads(1)
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    # psi4 writes timer.dat and other files into the working directory.
    os.chdir(scratch)
    energies_path = os.path.join(args.out, "energies.json")
    table = {}
    if os.path.exists(energies_path):
        with open(energies_path) as f:
            table = {e["file"]: e for e in json.load(f)["molecules"]}
    psi4.core.IOManager.shared_object().set_default_path(scratch)
    for name, geometry, spaces in MOLECULES:
        if args.only and name not in args.only:
            continue
        begin = time.time()
        entry = run_molecule(psi4, name, geometry, spaces, args.out, scratch)
        table[entry["file"]] = entry
        print("%s: %.1f s" % (name, time.time() - begin), file=sys.stderr)
    order = [n + ".FCIDUMP" for n, _, _ in MOLECULES]
    molecules = [table[f] for f in order if f in table]
    with open(energies_path, "w") as f:
        json.dump({"generator": "scripts/make_molecules.py, psi4 " + psi4.__version__,
                   "units": "Hartree (total energies, nuclear repulsion included)",
                   "molecules": molecules}, f, indent=1)
        f.write("\n")

    print("| file | SCF energy | frozen core | frozen virtual | active (e, orbitals) | qubits | "
          "exact energy | method | geometry (Å) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for m in molecules:
        for i, s in enumerate(m["spaces"]):
            print("| %s | %s | %d | %d | (%de, %do) | %d | %.13f | %s | %s |" % (
                m["file"] if i == 0 else "", "%.13f" % m["scf_energy"] if i == 0 else "",
                s["frozen_core"], s["frozen_virtual"], s["active_electrons"],
                s["active_orbitals"], s["qubits"], s["exact_energy"], s["method"],
                "; ".join(m["geometry_angstrom"]) if i == 0 else ""))


if __name__ == "__main__":
    main()
