#!/usr/bin/env python3
"""Full-text search, kg beside SQLite's FTS5, in one sitting.

Usage: python3 bench/fulltext_bench.py --kg-bench BUILD/bench/kg_bench_fulltext [--work DIR] [--reps N]

Corpus: WordNet 3.0's glosses (Debian's wordnet-base, /usr/share/wordnet/data.*: 117,659) and the
peer kit's node names at scale M (../shared/bench/gen.py M: 100,000), one document each. Queries
(the same for both, drawn with a fixed seed from the corpus): 200 single words, 200 two-word ANDs
(two words of one document), 200 two-word phrases (two words next to each other in a document),
200 prefixes (a word's first three letters and '*'); each asks for the top 10 by BM25.

Figures: the index build (FTS5: inserting every document into an fts5 table in one transaction;
kg: CREATE FULLTEXT INDEX over the documents already stored), its rate, each query kind's median
and p99 latency, and the size on disk (FTS5: the database file less the same documents in a plain
table; kg: the database directory after the index less before it). Both run the systems
alternately, REPS times (default 3), and the medians of the sittings are printed.
"""
import argparse, json, os, random, re, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
WORDNET = "/usr/share/wordnet"
WORD = re.compile(r"[a-z]+")


def corpus(work):
    path = os.path.join(work, "corpus.tsv")
    if os.path.exists(path):
        return path
    docs = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(WORDNET, "data." + pos), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                bar = line.find(" | ")
                if bar >= 0:
                    docs.append(line[bar + 3:].strip())
    gen = os.path.join(HERE, "..", "..", "shared", "bench", "gen.py")
    names_dir = os.path.join(work, "M")
    if not os.path.exists(os.path.join(names_dir, "nodes.csv")):
        subprocess.run([sys.executable, gen, "M", "--out", names_dir], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(names_dir, "nodes.csv")) as f:
        next(f)
        for line in f:
            docs.append(line.rstrip("\n").split(",", 2)[2])
    with open(path, "w") as f:
        for d in docs:
            f.write(d.replace("\t", " ").replace("\n", " ") + "\n")
    return path


def queries(corpus_path, work):
    path = os.path.join(work, "queries.json")
    rnd = random.Random(7)
    docs = [l.rstrip("\n") for l in open(corpus_path)]
    vocab = {}
    for d in docs:
        for w in WORD.findall(d.lower()):
            vocab[w] = vocab.get(w, 0) + 1
    common = [w for w, n in vocab.items() if n >= 5 and len(w) >= 3]
    common.sort()
    single = rnd.sample(common, 200)
    pairs, phrases = [], []
    while len(pairs) < 200 or len(phrases) < 200:
        words = WORD.findall(rnd.choice(docs).lower())
        words = [w for w in words if len(w) >= 3]
        if len(words) < 2:
            continue
        if len(pairs) < 200:
            a, b = rnd.sample(words, 2)
            if a != b:
                pairs.append(f"{a} AND {b}")
        if len(phrases) < 200:
            i = rnd.randrange(len(words) - 1)
            phrases.append(f'"{words[i]} {words[i + 1]}"')
    prefixes = [w[:3] + "*" for w in rnd.sample(common, 200)]
    q = {"single": single, "and": pairs, "phrase": phrases, "prefix": prefixes}
    with open(path, "w") as f:
        json.dump(q, f)
    return path, q


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def fts5(corpus_path, q, work):
    db = os.path.join(work, "fts5.db")
    plain = os.path.join(work, "plain.db")
    for p in (db, plain):
        if os.path.exists(p):
            os.remove(p)
    docs = [l.rstrip("\n") for l in open(corpus_path)]
    c = sqlite3.connect(plain)
    c.execute("CREATE TABLE docs(text)")
    c.executemany("INSERT INTO docs VALUES (?)", ((d,) for d in docs))
    c.commit()
    c.close()
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("CREATE VIRTUAL TABLE docs USING fts5(text)")
    start = time.perf_counter()
    c.execute("BEGIN")
    c.executemany("INSERT INTO docs(text) VALUES (?)", ((d,) for d in docs))
    c.execute("COMMIT")
    build = time.perf_counter() - start
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(db) - os.path.getsize(plain)
    out = {"build_s": build, "docs": len(docs), "index_bytes": size}
    for kind, qs in q.items():
        times = []
        for text in qs:
            t = time.perf_counter()
            rows = c.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                             (text,)).fetchall()
            times.append(time.perf_counter() - t)
        times.sort()
        out[kind] = {"median_us": 1e6 * statistics.median(times), "p99_us": 1e6 * times[int(0.99 * len(times))]}
    c.close()
    return out


def kg(binary, corpus_path, queries_path, work):
    dbdir = os.path.join(work, "kg.db")
    shutil.rmtree(dbdir, ignore_errors=True)
    r = subprocess.run([binary, dbdir, corpus_path, queries_path], check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kg-bench", required=True)
    ap.add_argument("--work", default=None)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="kg-fts-")
    os.makedirs(work, exist_ok=True)
    cp = corpus(work)
    qp, q = queries(cp, work)
    runs = {"kg": [], "fts5": []}
    for _ in range(a.reps):
        runs["kg"].append(kg(a.kg_bench, cp, qp, work))
        runs["fts5"].append(fts5(cp, q, work))
    def med(system, *path):
        vals = []
        for r in runs[system]:
            v = r
            for p in path:
                v = v[p]
            vals.append(v)
        return statistics.median(vals)
    print(f"documents: {runs['kg'][0]['docs']}, {a.reps} sittings, medians")
    print("| figure | kg | kg (Transaction::Search) | SQLite FTS5 |")
    print("|---|---|---|---|")
    print(f"| index build | {med('kg', 'build_s'):.2f} s | | {med('fts5', 'build_s'):.2f} s |")
    print(f"| build rate (documents/s) | {runs['kg'][0]['docs'] / med('kg', 'build_s'):,.0f} | | "
          f"{runs['fts5'][0]['docs'] / med('fts5', 'build_s'):,.0f} |")
    for kind in ("single", "and", "phrase", "prefix"):
        print(f"| {kind}: median / p99 | {med('kg', kind, 'median_us'):.0f} / {med('kg', kind, 'p99_us'):.0f} us | "
              f"{med('kg', 'api_' + kind, 'median_us'):.0f} / {med('kg', 'api_' + kind, 'p99_us'):.0f} us | "
              f"{med('fts5', kind, 'median_us'):.0f} / {med('fts5', kind, 'p99_us'):.0f} us |")
    print(f"| index on disk | {med('kg', 'index_bytes') / 2**20:.1f} MiB | | {med('fts5', 'index_bytes') / 2**20:.1f} MiB |")


if __name__ == "__main__":
    main()
