import json,sys
U=json.load(open(sys.argv[1])); M=json.load(open(sys.argv[2]))
mu={u["unit"]:u for u in M.get("units",[])}
bad=0;n=0
def cmp(name,w,g):
    global bad,n
    n+=1
    ok = (g is not None) and (abs(float(w)-float(g))<=0.0005 if isinstance(w,float) else w==g)
    if not ok: bad+=1; print(f"{name}: expected {w}, got {g}")
for u in U:
    g=mu.get(u["unit"],{})
    for k in ("branches","below_target_branches","members_below_threshold","rank"): cmp(f"{u['unit']}.{k}",u[k],g.get(k))
    for t,v in u["totals"].items():
        for k in v: cmp(f"{u['unit']}.totals.{t}.{k}",v[k],g.get("totals",{}).get(t,{}).get(k))
    for t,v in u["coverage"]["requirements"].items(): cmp(f"{u['unit']}.cov.{t}",v,g.get("coverage",{}).get("requirements",{}).get(t))
    cmp(f"{u['unit']}.cov.active_months",u["coverage"]["active_months"],g.get("coverage",{}).get("active_months"))
print(f"units: {n-bad}/{n} match")
