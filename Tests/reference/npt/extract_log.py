"""Helpers used once after the runs (not needed by analyze.py):
extract the production thermo block of a LAMMPS log into a compact .dat.gz,
and write a trimmed copy of the log (production thermo rows removed)."""
import sys, gzip

def blocks(lines):
    out, i = [], 0
    while i < len(lines):
        if lines[i].startswith('Step '):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('Loop time'):
                j += 1
            out.append((i, j))
            i = j
        i += 1
    return out

def main(log, dat, trimmed, cols_fmt):
    lines = open(log).read().splitlines()
    b0, b1 = blocks(lines)[-1]
    head = lines[b0].split()
    names = [c for c, _ in cols_fmt]
    idx = [head.index(c) for c in names]
    with gzip.open(dat, 'wt') as f:
        f.write(f"# production thermo extracted from {log.split('/')[-1]} (columns rounded)\n")
        f.write('# ' + ' '.join(names) + '\n')
        for l in lines[b0 + 1:b1]:
            w = l.split()
            if not w or not w[0].isdigit():
                continue
            f.write(' '.join(fmt % float(w[k]) if fmt != 'd' else w[k]
                             for k, (_, fmt) in zip(idx, cols_fmt)) + '\n')
    keep = lines[:b0 + 4] + [f'... ({b1 - b0 - 7} production thermo rows removed; see .dat.gz) ...'] + lines[b1 - 3:]
    open(trimmed, 'w').write('\n'.join(keep) + '\n')

if __name__ == '__main__':
    which = sys.argv[1]
    if which == 'cu':
        main(sys.argv[2], sys.argv[3], sys.argv[4],
             [('Step', 'd'), ('Temp', '%.4f'), ('PotEng', '%.4f'), ('Press', '%.3f'),
              ('Volume', '%.4f'), ('Lx', '%.7f'), ('Econserve', '%.4f')])
    elif which == 'ase':    # round an ase_emt_npt.py output file and drop the redundant ekin column
        src, dst = sys.argv[2], sys.argv[3]
        lines = gzip.open(src, 'rt').read().splitlines()
        with gzip.open(dst, 'wt') as f:
            f.write(lines[0] + ' (compacted: rounded, ekin dropped)\n')
            f.write('# step temp_K epot_eV volume_A3 pressure_GPa econs_eV\n')
            for l in lines[2:]:
                w = l.split()
                f.write(f"{w[0]} {float(w[1]):.2f} {float(w[2]):.5f} {float(w[4]):.4f} "
                        f"{float(w[5]):.4f} {float(w[6]):.6f}\n")
    elif which == 'trim':   # LJ: data already written by fix print; only trim the log
        lines = open(sys.argv[2]).read().splitlines()
        b0, b1 = blocks(lines)[-1]
        keep = lines[:b0 + 4] + [f'... ({b1 - b0 - 7} production thermo rows removed) ...'] + lines[b1 - 3:]
        open(sys.argv[3], 'w').write('\n'.join(keep) + '\n')
