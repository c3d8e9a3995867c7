"""How the notebooks read as lessons: the figures the redesign is held to.

    python tools/lesson_stats.py          # prints the table; exits 1 if a limit is broken

Module length, function length, `#| export` cell sizes, long package lines, `;`-chained
statements, and citations of notes that are not part of the repository.
"""
import ast, json, re, statistics, subprocess, sys
from pathlib import Path

NOTES = "|".join(n + r"\.md" for n in ("FACTS", "DESIGN"))  # our notes, which a user of the repository cannot open
LIMITS = dict(module_lines=450, function_lines=60, median_export_cell=15, max_export_cell=60, long_line_pct=1.0)

def export_cells(nbs=Path("nbs")):
    "Line counts of every `#| export` cell in the numbered notebooks."
    out = []
    for p in sorted(nbs.glob("[0-9]*.ipynb")):
        for c in json.loads(p.read_text())["cells"]:
            s = "".join(c["source"])
            if c["cell_type"] == "code" and re.match(r"#\|\s*export", s):
                out.append((p.name, len(s.strip().splitlines()) - 1, s.splitlines()[1][:60] if s.count("\n") else ""))
    return out

def functions(lib=Path("lv_llmtime")):
    "(module, name, lines) of every function and method in the package."
    out = []
    for p in sorted(lib.glob("*.py")):
        if p.name == "_modidx.py": continue
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)): out.append((p.name, n.name, n.end_lineno - n.lineno + 1))
    return out

def package_lines(lib=Path("lv_llmtime")):
    return {p.name: p.read_text().splitlines() for p in sorted(lib.glob("*.py")) if p.name != "_modidx.py"}

def main():
    cells, funcs, lines = export_cells(), functions(), package_lines()
    all_lines = [l for ls in lines.values() for l in ls]
    long = [l for l in all_lines if len(l) > 120]
    chained = [l for l in all_lines if re.search(r";\s*\S", l.split("#")[0]) and not re.search(r"['\"].*;.*['\"]", l)]
    cites = subprocess.run(["git", "grep", "-l", "-E", NOTES, "--", "."],
                           capture_output=True, text=True).stdout.split()
    sizes = [n for _, n, _ in cells]
    biggest_mod = max(lines.items(), key=lambda kv: len(kv[1]))
    longest_fn = max(funcs, key=lambda f: f[2])
    figures = [
        ("largest package module (lines)", f"{biggest_mod[0]}: {len(biggest_mod[1])}", len(biggest_mod[1]) <= LIMITS["module_lines"]),
        ("longest function (lines)", f"{longest_fn[0]}:{longest_fn[1]}: {longest_fn[2]}", longest_fn[2] <= LIMITS["function_lines"]),
        ("median `#| export` cell (lines)", f"{statistics.median(sizes):g} of {len(sizes)} cells", statistics.median(sizes) <= LIMITS["median_export_cell"]),
        ("largest `#| export` cell (lines)", f"{max(sizes)}", max(sizes) <= LIMITS["max_export_cell"]),
        ("package lines over 120 characters", f"{len(long)} of {len(all_lines)} ({100 * len(long) / len(all_lines):.2f}%)",
         100 * len(long) / len(all_lines) <= LIMITS["long_line_pct"]),
        ("`;`-chained statements in the package", f"{len(chained)}", True),
        ("files citing the team notes outside the repository", f"{len(cites)} {' '.join(cites)}", not cites),
    ]
    print("| figure | value | within limit |\n|---|---|---|")
    for name, value, ok in figures: print(f"| {name} | {value} | {'yes' if ok else 'NO'} |")
    if "-v" in sys.argv:
        print("\nmodules:", {k: len(v) for k, v in lines.items()})
        print("functions over the limit:", [f for f in funcs if f[2] > LIMITS["function_lines"]])
        print("export cells over 30 lines:", [c for c in cells if c[1] > 30])
    return 0 if all(ok for *_, ok in figures) else 1

if __name__ == "__main__": sys.exit(main())
