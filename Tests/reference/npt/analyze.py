#!/usr/bin/env python
"""Compute the NPT reference numbers from the compact thermo files in this folder.

usage: python analyze.py            -> prints a summary and writes results.json
Standard errors: block averaging with 20 contiguous equal blocks,
SE = std(block means, ddof=1)/sqrt(20). The 10-block SE is given as a check.
Bulk modulus from volume fluctuations B = kT <V>/<dV^2>, error by
delete-one-block jackknife over 20 blocks.
Also given: 10- and 5-block SEs and an SE from the integrated autocorrelation
time (se_acf); where they disagree, use the larger (see README).
Drift of the conserved quantity: least-squares slope over the production run.
"""
import json, os, re
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KB_EV = 8.617333262e-5          # eV/K
EVA3_TO_GPA = 160.21766208      # 1 eV/A^3 in GPa
NBLOCK = 20


def load(name):
    return np.loadtxt(os.path.join(HERE, name), comments='#')


def block_means(x, nb=NBLOCK):
    n = len(x) // nb * nb
    return x[len(x) - n:].reshape(nb, -1).mean(axis=1)   # drop the first few samples if not divisible


def mean_se(x, nb=NBLOCK):
    bm = block_means(np.asarray(x, float), nb)
    return float(np.mean(x)), float(bm.std(ddof=1) / np.sqrt(nb))


def se_acf(x, c=5.0):
    """SE from the integrated autocorrelation time (Sokal automatic window, c=5)."""
    x = np.asarray(x, float) - np.mean(x)
    n = len(x)
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n] / np.arange(n, 0, -1)
    acf /= acf[0]
    tau = 0.5
    for w in range(1, n):
        tau += acf[w]
        if w >= c * tau:
            break
    tau = max(tau, 0.5)
    return float(np.std(x) * np.sqrt(2 * tau / n)), float(tau)


def stat(x, digits=None):
    m, se = mean_se(x)
    _, se10 = mean_se(x, 10)
    _, se5 = mean_se(x, 5)
    sea, tau = se_acf(x)
    return {'mean': m, 'se': se, 'se_10blocks': se10, 'se_5blocks': se5,
            'se_acf': sea, 'tau_int_samples': tau,
            'se_conservative': max(se, se10, se5, sea), 'n_samples': int(len(x))}


def bulk_modulus(V, T_K, nb=NBLOCK):
    """B = kT <V>/<dV^2> in GPa; jackknife error over nb blocks."""
    V = np.asarray(V, float)
    n = len(V) // nb * nb
    V = V[len(V) - n:]
    kT = KB_EV * T_K

    def B(v):
        return kT * v.mean() / v.var() * EVA3_TO_GPA
    full = B(V)
    blocks = V.reshape(nb, -1)
    jk = np.array([B(np.delete(blocks, i, axis=0).ravel()) for i in range(nb)])
    se = np.sqrt((nb - 1) / nb * np.sum((jk - jk.mean()) ** 2))
    return {'mean': float(full), 'se_jackknife': float(se), 'n_samples': int(n),
            'unit': 'GPa', 'kT_eV': kT}


def drift(t, e, natoms):
    slope = np.polyfit(t, np.asarray(e) / natoms, 1)[0]
    return float(slope)


def lj():
    d = load('lj_thermo.dat.gz')   # step temp pe press vol econserve (extensive)
    N, dt = 500, 0.005
    step, T, pe, P, V, ec = d.T
    t = step * dt
    return {
        'system': 'LJ lj/cut 2.5 (no shift, no tail), N=500, NPT T*=1.2 P*=1.7743, LAMMPS 29Sep2021',
        'production_steps': int(step[-1]), 'dt': dt, 'sample_every': int(step[1] - step[0]),
        'density': stat(N / V),
        'pe_per_atom': stat(pe / N),
        'temperature': stat(T),
        'pressure': stat(P),
        'econserve_drift_per_atom_per_tau': drift(t, ec, N),
        'econserve_first_last_per_atom': [float(ec[0] / N), float(ec[-1] / N)],
    }


def cu_lammps(fname='cu_thermo.dat.gz'):
    d = load(fname)   # Step Temp PotEng Press Volume Lx Econserve
    N, dt, ncell = 4000, 0.001, 10
    step, T, pe, P, V, lx, ec = d.T
    t = step * dt
    Tset = 300.0
    return {
        'system': 'Cu EAM Cu_u3.eam (funcfl), 4000 atoms, NPT 300 K 0 bar, LAMMPS 29Sep2021',
        'production_steps': int(step[-1]), 'dt_ps': dt, 'sample_every': int(step[1] - step[0]),
        'lattice_constant_A': stat(lx / ncell),
        'lattice_constant_from_mean_volume_A': float((V.mean() / ncell ** 3) ** (1 / 3)),
        'pressure_bar': stat(P),
        'temperature_K': stat(T),
        'pe_per_atom_eV': stat(pe / N),
        'bulk_modulus_volume_fluct_setT': bulk_modulus(V, Tset),
        'bulk_modulus_volume_fluct_meanT': bulk_modulus(V, T.mean()),
        'econserve_drift_eV_per_atom_per_ps': drift(t, ec, N),
    }


def ase_md(fname, Tset, nrep=4, discard_ps=0.0):
    d = load(fname)   # step temp_K epot_eV volume_A3 pressure_GPa econs_eV
    N, dt_fs = 256, 2.0
    step, T, ep, V, P, ec = d.T
    t_ps = step * dt_fs / 1000
    m = t_ps >= discard_ps
    step, T, ep, V, P, ec, t_ps = (x[m] for x in (step, T, ep, V, P, ec, t_ps))
    a = (V / nrep ** 3) ** (1 / 3)
    return {
        'production_ps': float(t_ps[-1]), 'discarded_ps_of_production': discard_ps,
        'lattice_constant_A': stat(a),
        'temperature_K': stat(T),
        'pressure_GPa': stat(P),
        'epot_per_atom_eV': stat(ep / N),
        'econserve_drift_eV_per_atom_per_ps': drift(t_ps, ec, N),
    }


def parse_lammps_a0(log):
    for l in open(os.path.join(HERE, log)):
        if l.startswith('A0_MINIMIZE'):
            w = l.split()
            return {'a0_A': float(w[1]), 'pe_per_atom_eV': float(w[3]), 'press_bar': float(w[5])}


def parse_ase_relax(txt):
    out = {}
    for l in open(os.path.join(HERE, txt)):
        if l.startswith('A0_RELAX'):
            kv = dict(re.findall(r'(\w+)=(\S+)', l))
            out[kv['optimizer']] = {'a0_A': float(kv['a0']), 'epot_per_atom_eV': float(kv['epot_per_atom'])}
    return out


def main():
    res = {'block_count': NBLOCK}
    res['lj_npt'] = lj()
    res['cu_eam_npt_300K'] = cu_lammps()
    if os.path.exists(os.path.join(HERE, 'cu_thermo_long.dat.gz')):
        res['cu_eam_npt_300K_long'] = cu_lammps('cu_thermo_long.dat.gz')
    res['cu_eam_0K'] = parse_lammps_a0('log.cu.trimmed')
    res['ase_emt_0K'] = parse_ase_relax('ase_relax.txt')
    for T in (800, 300):
        f = f'ase_emt_{T}K.dat.gz'
        if os.path.exists(os.path.join(HERE, f)) and os.path.getsize(os.path.join(HERE, f)) > 1000:
            res[f'ase_emt_npt_{T}K'] = ase_md(f, float(T))
            res[f'ase_emt_npt_{T}K_discard5ps'] = ase_md(f, float(T), discard_ps=5.0)
    with open(os.path.join(HERE, 'results.json'), 'w') as fh:
        json.dump(res, fh, indent=1)

    def pr(label, s, fmt='%.6f'):
        extra = ''
        if 'se_10blocks' in s:
            extra = (f"   [10blk {fmt % s['se_10blocks']}, 5blk {fmt % s['se_5blocks']}, "
                     f"acf {fmt % s['se_acf']}, tau_int {s['tau_int_samples']:.1f} samples]")
        print(f"{label:30s} {fmt % s['mean']} +- {fmt % s.get('se', s.get('se_jackknife'))}{extra}")
    r = res['lj_npt']
    print('== LJ NPT'); pr('density', r['density']); pr('pe/atom', r['pe_per_atom']); pr('T', r['temperature']); pr('P', r['pressure'])
    print(f"{'econserve drift /atom/tau':45s} {r['econserve_drift_per_atom_per_tau']:.3e}")
    for k in ('cu_eam_npt_300K', 'cu_eam_npt_300K_long'):
        if k in res:
            r = res[k]
            print('==', k, r['production_steps'], 'steps')
            pr('a (A)', r['lattice_constant_A'], '%.6f'); pr('P (bar)', r['pressure_bar'], '%.2f')
            pr('T (K)', r['temperature_K'], '%.3f'); pr('pe/atom (eV)', r['pe_per_atom_eV'])
            pr('B (GPa) kT set', r['bulk_modulus_volume_fluct_setT'], '%.2f')
            print(f"{'econserve drift eV/atom/ps':45s} {r['econserve_drift_eV_per_atom_per_ps']:.3e}")
    print('== Cu EAM 0 K', res['cu_eam_0K'])
    print('== ASE EMT 0 K', res['ase_emt_0K'])
    for k in ('ase_emt_npt_800K', 'ase_emt_npt_800K_discard5ps', 'ase_emt_npt_300K', 'ase_emt_npt_300K_discard5ps'):
        if k in res:
            r = res[k]
            print('==', k, r['production_ps'], 'ps')
            pr('a (A)', r['lattice_constant_A'], '%.6f'); pr('P (GPa)', r['pressure_GPa'], '%.5f')
            pr('T (K)', r['temperature_K'], '%.3f'); pr('epot/atom (eV)', r['epot_per_atom_eV'])
            print(f"{'econserve drift eV/atom/ps':45s} {r['econserve_drift_eV_per_atom_per_ps']:.3e}")


if __name__ == '__main__':
    main()
