#!/usr/bin/env python3
"""Independent cross-check of Preflight's counts on the real datasets in ../shared/data.

Recomputes, in plain Python, records per split, class counts, exact duplicate records and
groups, conflicting-label groups and train->held-out leakage with the same normalization
(Unicode NFKC, str.casefold, whitespace runs collapsed and trimmed), runs the release binary
on the same files and compares. Usage, from the repository root after `swift build -c release`:

    python3 scripts/crosscheck-shared-data.py
"""
import json, sys, unicodedata, csv, subprocess, collections, os, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORT = os.path.join(tempfile.mkdtemp(), "report.json")
def norm(s):
    s = unicodedata.normalize('NFKC', s).casefold()
    return ' '.join(s.split())
def load(path):
    rows=[]
    if path.endswith('.jsonl'):
        for line in open(path, encoding='utf-8'):
            if line.strip(): rows.append(json.loads(line))
    elif path.endswith('.csv'):
        rows=list(csv.DictReader(open(path, encoding='utf-8', newline='')))
    return rows
def role(name):
    n=os.path.basename(name).lower()
    for p,r in [('train','train'),('val','validation'),('dev','validation'),('test','test'),('regression','regression'),('eval','regression')]:
        if n.startswith(p): return r
    return 'train'
def expected(files, label='label'):
    splits=collections.defaultdict(list)
    for f in files: splits[role(f)]+=[(norm(r['text']), str(r[label])) for r in load(f)]
    out={}
    for s,rows in splits.items():
        seen=collections.Counter(t for t,_ in rows)
        dup=sum(c-1 for c in seen.values()); groups=sum(1 for c in seen.values() if c>1)
        labels=collections.defaultdict(set)
        for t,l in rows: labels[t].add(l)
        conf_groups=sum(1 for t,ls in labels.items() if len(ls)>1)
        out[s]=dict(records=len(rows), dup=dup, groups=groups, conflict_groups=conf_groups, labels=dict(collections.Counter(l for _,l in rows)))
    if 'train' in splits:
        train=set(t for t,_ in splits['train'])
        for s,rows in splits.items():
            if s!='train': out[s]['leaked']=sum(1 for t,_ in rows if t in train)
    return out
def actual(files, label='label'):
    args=[os.path.join(ROOT,'.build/release/preflight'),'audit','--quiet','--report','json='+REPORT]
    for f in files: args += ['--'+role(f), f]
    args += ['--label-field', label]
    subprocess.run(args)
    d=json.load(open(REPORT))
    m={c['id']:c['metrics'] for c in d['checks']}
    out={}
    for s,st in d['statistics'].items():
        out[s]=dict(records=st['records'], dup=int(m['exact_duplicates'].get(f'duplicate_records.{s}',0)), groups=int(m['exact_duplicates'].get(f'duplicate_groups.{s}',0)),
                    conflict_groups=int(m['conflicting_labels'].get(f'conflict_groups.{s}',0)), labels=st['labels'])
        if s!='train' and 'train' in d['statistics']: out[s]['leaked']=int(m['split_leakage'].get(f'leaked.{s}.train',0))
    return out
D=os.path.join(os.path.dirname(ROOT),'shared','data')+'/'
if not os.path.isdir(D):
    sys.exit('no ../shared/data here: nothing to cross-check')
sets={'clinc150':['train.jsonl','validation.jsonl','test.jsonl'],'banking77':['train.jsonl','test.jsonl'],'trec':['train.jsonl','test.jsonl'],
      'trec-csv':['train.csv','test.csv'],'sms_spam':['data.jsonl'],'sms_spam-csv':['data.csv'],'snips2017':['train.jsonl','validation.jsonl'],'imdb_cleanlab':['train.jsonl','test.jsonl']}
failures=0
sets['trec-fine']=['train.jsonl','test.jsonl']
for name,fs in sets.items():
    files=[D+name.split('-')[0]+'/'+f for f in fs]
    label='label_fine' if name.endswith('-fine') else 'label'
    e,a=expected(files,label),actual(files,label)
    ok = e==a
    failures += 0 if ok else 1
    print(name, 'OK' if ok else 'MISMATCH', {s:{k:v for k,v in x.items() if k!='labels'} for s,x in a.items()})
    if not ok:
        for s in e:
            for k in e[s]:
                if e[s][k]!=a.get(s,{}).get(k): print('  ',s,k,'expected',e[s][k] if k!='labels' else '...','got',a.get(s,{}).get(k) if k!='labels' else '...')
sys.exit(1 if failures else 0)
