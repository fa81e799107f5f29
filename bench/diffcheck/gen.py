#!/usr/bin/env python3
"""Generate a small court's roster + a year of varied ledgers + an independent truth.json.

usage: gen.py SEED OUTDIR [--as-of YYYY-MM-DD] [--plan] [--mix a,b,c]
"""
import argparse, csv, datetime as dt, json, os, random, re, sys
from collections import defaultdict, Counter
import openpyxl, xlwt
from openpyxl.utils import get_column_letter

Y = 2024
TYPES = ["member_meeting", "committee_meeting", "group_meeting", "party_lecture", "theme_day",
         "political_study", "integrity_education", "discipline_inspection", "secretary_training",
         "org_life_meeting", "democratic_review", "volunteer_service", "other"]
VARIANTS = {
    "member_meeting": ["支部党员大会", "党员大会", "全体党员大会", "支部大会"],
    "committee_meeting": ["支部委员会", "支委会", "支委会议", "支部委员会会议"],
    "group_meeting": ["党小组会", "党小组会议", "小组会"],
    "party_lecture": ["党课", "讲党课", "上党课", "专题党课", "微党课"],
    "theme_day": ["主题党日", "主题党日活动", "固定党日", "党员活动日", "主题党日（志愿服务）", "主题党日(参观学习)"],
    "political_study": ["政治学习", "理论学习", "集中学习", "专题学习", "学习研讨"],
    "integrity_education": ["廉政教育", "警示教育", "廉洁教育"],
    "discipline_inspection": ["纪律作风检查", "作风检查", "明察暗访", "专项检查"],
    "secretary_training": ["支部书记培训", "书记培训"],
    "org_life_meeting": ["组织生活会", "专题组织生活会"],
    "democratic_review": ["民主评议党员", "民主评议"],
    "volunteer_service": ["志愿服务", "志愿活动"],
    "other": ["观看红色电影", "座谈交流", "慰问困难群众"],
}
TOPICS = ["学习习近平新时代中国特色社会主义思想", "学习党章", "学习《中国共产党纪律处分条例》",
          "研究部署月度重点工作", "开展谈心谈话", "传达学习全会精神", "学习最高人民法院工作报告",
          "研究党费收缴情况", "交流办案体会", "参观红色教育基地", "重温入党誓词", "通报典型案例",
          "学习习近平法治思想", "讨论发展党员工作", "学习贯彻二十届三中全会精神", "开展党纪学习教育",
          "审议年度工作总结", "研究主题党日方案", "学习身边先进典型事迹", "法律进社区宣传"]
SURN = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIV = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国晨阳宇浩然欣怡博文思雨佳琪涵梓轩嘉")
BRANCH_POOL = [
    ("刑事审判第一党支部", ["刑一庭党支部", "刑一庭"], "刑事审判第一"),
    ("民事审判第一党支部", ["民一庭党支部"], "民事审判第一"),
    ("立案庭党支部", ["立案信访党支部"], "立案庭"),
    ("审判监督庭党支部", ["审监庭党支部"], "审判监督庭"),
    ("行政审判党支部", ["行政庭党支部"], "行政审判"),
    ("城关人民法庭党支部", ["城关法庭党支部"], "城关人民法庭"),
    ("综合办公室党支部", ["办公室党支部"], "综合办公室"),
    ("商事审判党支部", ["民二庭党支部"], "商事审判"),
]
GROUPN = ["第一党小组", "第二党小组", "第三党小组"]
CN = "零一二三四五六七八九"


def cnnum(n):
    if n < 10: return CN[n]
    if n < 20: return "十" + (CN[n % 10] if n % 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


def write_ods(path, sheets):
    import zipfile
    from xml.sax.saxutils import escape
    body = []
    for sn, grid, merges, _ in sheets:
        nr = max(k[0] for k in grid) + 1; nc = max(k[1] for k in grid) + 1
        span = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in merges}
        covered = {(rr, cc) for r1, c1, r2, c2 in merges for rr in range(r1, r2 + 1) for cc in range(c1, c2 + 1)} - set(span)
        body.append(f'<table:table table:name="{escape(sn)}">')
        for rr in range(nr):
            body.append("<table:table-row>")
            for cc in range(nc):
                if (rr, cc) in covered:
                    body.append("<table:covered-table-cell/>"); continue
                v = grid.get((rr, cc)); attrs = ""
                if (rr, cc) in span:
                    attrs = f' table:number-rows-spanned="{span[(rr, cc)][0]}" table:number-columns-spanned="{span[(rr, cc)][1]}"'
                if v is None:
                    body.append(f"<table:table-cell{attrs}/>")
                elif isinstance(v, dt.datetime):
                    body.append(f'<table:table-cell{attrs} office:value-type="date" office:date-value="{v.date().isoformat()}"><text:p>{v.date().isoformat()}</text:p></table:table-cell>')
                elif isinstance(v, (int, float)):
                    body.append(f'<table:table-cell{attrs} office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>')
                else:
                    ps = "".join(f"<text:p>{escape(x)}</text:p>" for x in str(v).split("\n"))
                    body.append(f'<table:table-cell{attrs} office:value-type="string">{ps}</table:table-cell>')
            body.append("</table:table-row>")
        body.append("</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet>' + "".join(body) + '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)


def norm_topic(s):
    return re.sub(r"[\s\W_]+", "", s or "")


class Court:
    def __init__(self, seed, outdir, as_of=None, plan=False, mix=None):
        self.r = random.Random(seed)
        self.seed = seed
        self.out = outdir
        self.sub = os.path.join(outdir, "submissions")
        self.as_of = as_of or dt.date(Y, 12, 31)
        self.plan = plan
        self.mix = mix
        self.rows = []  # (relpath, sheet_idx, rowno, kind, rec)  kind: data/reject/skip
        self.files_read = 0
        self.notes = []
        self.ambiguous = []
        self.threshold = 0.8
        self.requirements = [("member_meeting", "quarter", 1, False), ("committee_meeting", "month", 1, False),
                             ("group_meeting", "month", 1, True), ("party_lecture", "quarter", 1, False),
                             ("theme_day", "month", 1, False)]
        self.used_names = set()
        self.extras = False; self.files_failed = 0; self.files_skipped = 0; self.units = None; self.dupname = False

    # ---------------- court ----------------
    def name(self):
        while True:
            n = self.r.choice(SURN) + "".join(self.r.choice(GIV) for _ in range(self.r.choice([1, 2, 2])))
            if n not in self.used_names:
                self.used_names.add(n); return n

    def make_court(self, nb):
        pool = self.r.sample(BRANCH_POOL, nb)
        self.branches = []
        for i, (name, aliases, stem) in enumerate(pool):
            ng = self.r.choice([1, 2, 3])
            groups = GROUPN[:ng]
            members = []
            for g in groups:
                for _ in range(self.r.randint(5, 9)):
                    members.append({"name": self.name(), "group": g, "dil": self.r.choice([0.97, 0.95, 0.92, 0.9, 0.85, 0.7, 0.55])})
            self.branches.append({"name": name, "aliases": aliases, "stem": stem, "groups": groups,
                                  "members": members, "roster_groups": ng if i != 1 else None})
        if self.dupname and len(self.branches) > 2:
            # the same name in two branches (common names do repeat in a court)
            self.branches[2]["members"][0]["name"] = self.branches[0]["members"][1]["name"]
            self.branches[2]["members"][0]["dil"] = 0.55; self.branches[0]["members"][1]["dil"] = 0.97
            self.notes.append("same member name in two branches: " + self.branches[0]["members"][1]["name"])

    def write_roster(self):
        wb = openpyxl.Workbook()
        ws = wb.active; ws.title = "支部"
        if self.units:
            ws.append(["支部名称", "别名", "党小组数", "所属党组织"])
            for i, b in enumerate(self.branches):
                b["unit"] = ["审判业务党总支", "机关党委"][i % 2]
                ws.append([b["name"], "、".join(b["aliases"]), b["roster_groups"], b["unit"]])
        else:
            ws.append(["支部名称", "别名", "党小组数"])
            for b in self.branches:
                ws.append([b["name"], "、".join(b["aliases"]), b["roster_groups"]])
        ws2 = wb.create_sheet("党员")
        ws2.append(["姓名", "所在支部", "党小组", "类别"])
        for b in self.branches:
            for m in b["members"]:
                ws2.append([m["name"], b["name"], m["group"], self.r.choice(["正式党员"] * 6 + ["预备党员"])])
        wb.save(os.path.join(self.out, "roster.xlsx"))

    # ---------------- activities ----------------
    def topic(self):
        return self.r.choice(TOPICS)

    def act(self, b, date, codes, group=None, text=None):
        r = self.r
        if text is None:
            text = "暨".join(r.choice(VARIANTS[c]) if c != "theme_day" or len(codes) == 1 else "主题党日" for c in codes)
        if codes[0] == "group_meeting":
            exp = [m for m in b["members"] if m["group"] == group]
        else:
            exp = list(b["members"])
        rec = {"branch": b["name"], "group": group or "", "codes": codes, "text": text, "date": date,
               "topic": self.topic(), "host": r.choice(b["members"])["name"], "status": "data"}
        if codes[0] == "committee_meeting":
            rec["expected"] = min(5, len(exp)); rec["present"] = rec["expected"] - r.choice([0, 0, 0, 1, 1, 2])
            rec["attendees"] = None; rec["absentees"] = None
            return rec
        att = [m["name"] for m in exp if r.random() < m["dil"]]
        absn = [m["name"] for m in exp if m["name"] not in att]
        rec["expected"] = len(exp); rec["present"] = len(att)
        rec["att_full"] = att; rec["abs_full"] = absn
        rec["attendees"] = att; rec["absentees"] = None
        return rec

    def gen_year(self, b):
        r = self.r
        acts = []
        def day(m):
            return dt.date(Y, m, r.randint(1, 28))
        for q in range(4):
            months = [3 * q + 1, 3 * q + 2, 3 * q + 3]
            mm = r.random() < 0.8; pl = r.random() < 0.85
            if mm and pl and r.random() < 0.35:
                acts.append(self.act(b, day(r.choice(months)), ["member_meeting", "party_lecture"]))
            else:
                if mm: acts.append(self.act(b, day(r.choice(months)), ["member_meeting"]))
                if pl: acts.append(self.act(b, day(r.choice(months)), ["party_lecture"]))
        for m in range(1, 13):
            if r.random() < 0.9: acts.append(self.act(b, day(m), ["committee_meeting"]))
            if r.random() < 0.1: acts.append(self.act(b, day(m), ["committee_meeting"]))
            for g in b["groups"]:
                if r.random() < 0.85: acts.append(self.act(b, day(m), ["group_meeting"], group=g))
            if r.random() < 0.1 and len(b["groups"]) > 1:  # one group's extra meeting
                acts.append(self.act(b, day(m), ["group_meeting"], group=b["groups"][0]))
            if r.random() < 0.9: acts.append(self.act(b, day(m), ["theme_day"]))
            for c, p in [("political_study", 0.4), ("integrity_education", 0.15), ("volunteer_service", 0.1),
                         ("discipline_inspection", 0.05), ("other", 0.06)]:
                if r.random() < p: acts.append(self.act(b, day(m), [c]))
        acts.append(self.act(b, day(r.randint(3, 10)), ["secretary_training"]))
        acts.append(self.act(b, day(r.choice([1, 12])), ["org_life_meeting"]))
        acts.append(self.act(b, day(r.choice([1, 2, 12])), ["democratic_review"]))
        # unique keys
        seen = set(); out = []
        for a in acts:
            k = (a["group"], tuple(a["codes"]), a["date"], norm_topic(a["topic"]))
            while k in seen:
                a["topic"] = self.topic() + r.choice(["", "（一）", "（二）", "专题", "再动员"])
                k = (a["group"], tuple(a["codes"]), a["date"], norm_topic(a["topic"]))
            seen.add(k); out.append(a)
        out.sort(key=lambda a: a["date"])
        # drop far-future activities when as-of is early (office gets files only up to about as-of)
        lim = self.as_of + dt.timedelta(days=20)
        return [a for a in out if a["date"] <= lim]

    def att_mode(self, rec, modes):
        """choose how attendance is written: counts / names / names_only / absent / absent_only / none"""
        if rec["codes"][0] == "committee_meeting":
            m = self.r.choice(["counts", "counts", "none_present"])
            if m == "none_present": rec["present"] = None
            return
        m = self.r.choice(modes)
        rec["mode"] = m
        if m == "counts":
            rec["attendees"] = None
        elif m == "names":
            pass
        elif m == "names_only":     # 实到 empty, names given
            rec["present"] = None
        elif m == "names_mismatch":  # 实到 given but one more than names (someone unlisted)
            rec["present"] = len(rec["attendees"]) + 1 if rec["present"] < rec["expected"] else rec["present"]
        elif m == "absent":          # 实到 + 缺席
            rec["attendees"] = None; rec["absentees"] = rec["abs_full"]
        elif m == "absent_only":     # 应到 + 缺席, 实到 empty
            rec["attendees"] = None; rec["absentees"] = rec["abs_full"]; rec["present"] = None
        elif m == "none":
            rec["attendees"] = None; rec["present"] = None
        elif m == "both":            # 参会人员 + 缺席人员, 实到 empty
            rec["absentees"] = rec["abs_full"]; rec["present"] = None
        elif m == "leave_count":     # 实到 empty, 缺席人数 given
            rec["attendees"] = None; rec["leave"] = len(rec["abs_full"]); rec["present"] = None

    # ---------------- formatting ----------------
    def fdate(self, d, f):
        r = self.r
        if f == "mix_full": f = r.choice(["cn", "dash", "slash", "dot", "compact", "dtcell", "serial", "dttext"])
        if f == "mix_md": f = r.choice(["md_cn", "md_dot"])
        if f == "dtcell": return dt.datetime(d.year, d.month, d.day)
        if f == "dtcell_time": return dt.datetime(d.year, d.month, d.day, r.choice([9, 14, 15]), r.choice([0, 30]))
        if f == "serial": return (d - dt.date(1899, 12, 30)).days
        if f == "cn": return f"{d.year}年{d.month}月{d.day}日"
        if f == "dash": return d.strftime("%Y-%m-%d")
        if f == "slash": return f"{d.year}/{d.month}/{d.day}"
        if f == "dot": return f"{d.year}.{d.month}.{d.day}"
        if f == "compact": return d.strftime("%Y%m%d")
        if f == "dttext": return d.strftime("%Y-%m-%d") + r.choice([" 14:30", " 09:00:00", " 15:00"])
        if f == "md_cn": return f"{d.month}月{d.day}日"
        if f == "md_dot": return f"{d.month}.{d.day:02d}" if d.day in (10, 20) else f"{d.month}.{d.day}"
        raise ValueError(f)

    def fcount(self, n, f):
        if n is None: return None
        r = self.r
        if f == "mix": f = r.choice(["int", "float", "str", "ren", "ren_sp", "cn"])
        if f == "int": return n
        if f == "float": return float(n)
        if f == "str": return str(n)
        if f == "ren": return f"{n}人"
        if f == "ren_sp": return f"{n} 人"
        if f == "cn": return cnnum(n) if n > 0 else 0
        raise ValueError(f)

    def fnames(self, names, sep):
        if not names: return None
        if sep == "mix": sep = self.r.choice(["、", "，", ",", ";", "；", " ", "\n"])
        return sep.join(names)

    # ---------------- emit ----------------
    def emit(self, relpath, sheets, fmt):
        """sheets: list of (sheet_name, grid, merges, rowinfo) grid: dict (r,c)->val (0-based);
        rowinfo: list of (rowno1, kind, rec)"""
        path = os.path.join(self.sub, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.files_read += 1
        for si, (sn, grid, merges, rowinfo) in enumerate(sheets):
            for rowno, kind, rec in rowinfo:
                self.rows.append((relpath, si, rowno, kind, rec))
        if fmt == "xlsx":
            wb = openpyxl.Workbook(); wb.remove(wb.active)
            for sn, grid, merges, _ in sheets:
                ws = wb.create_sheet(sn)
                for (rr, cc), v in grid.items():
                    if v is None: continue
                    cell = ws.cell(row=rr + 1, column=cc + 1, value=v)
                    if isinstance(v, dt.datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm" if (v.hour or v.minute) else "yyyy\"年\"m\"月\"d\"日\""
                    if isinstance(v, str) and "\n" in v:
                        cell.alignment = openpyxl.styles.Alignment(wrap_text=True)
                for (r1, c1, r2, c2) in merges:
                    ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
            wb.save(path)
        elif fmt == "xls":
            wb = xlwt.Workbook(encoding="utf-8")
            dst = xlwt.easyxf(num_format_str="yyyy-mm-dd")
            for sn, grid, merges, _ in sheets:
                ws = wb.add_sheet(sn)
                inmerge = {}
                for (r1, c1, r2, c2) in merges:
                    for rr in range(r1, r2 + 1):
                        for cc in range(c1, c2 + 1):
                            inmerge[(rr, cc)] = (r1, c1, r2, c2)
                done = set()
                for (r1, c1, r2, c2) in merges:
                    v = grid.get((r1, c1))
                    if isinstance(v, dt.datetime):
                        ws.write_merge(r1, r2, c1, c2, v, dst)
                    else:
                        ws.write_merge(r1, r2, c1, c2, "" if v is None else v)
                for (rr, cc), v in grid.items():
                    if v is None or (rr, cc) in inmerge: continue
                    if isinstance(v, dt.datetime): ws.write(rr, cc, v, dst)
                    else: ws.write(rr, cc, v)
            wb.save(path)
        elif fmt == "ods":
            write_ods(path, sheets)
        elif fmt == "csv":
            assert len(sheets) == 1
            sn, grid, merges, _ = sheets[0]
            assert not merges
            nr = max(k[0] for k in grid) + 1; nc = max(k[1] for k in grid) + 1
            with open(path, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                for rr in range(nr):
                    row = []
                    for cc in range(nc):
                        v = grid.get((rr, cc))
                        if isinstance(v, dt.datetime): v = v.strftime("%Y-%m-%d")
                        row.append("" if v is None else v)
                    w.writerow(row)

    # ---------------- table builder ----------------
    def table(self, cols, items, top=(), two_row=None, ncols_title=None, body_merge=None):
        """cols: list of (header, field, fmt). items: list of ('rec',rec)|('skip',kind)|('blank',).
        top: list of strings for title rows (each merged across). two_row: (group_header, [field...]) or None.
        body_merge: field name whose equal consecutive values get merged down (date/branch/month)."""
        grid = {}; merges = []; rowinfo = []
        nc = len(cols)
        r = 0
        for t in top:
            if t is None: r += 1; continue
            grid[(r, 0)] = t; merges.append((r, 0, r, nc - 1)); r += 1
        if two_row:
            gh, gfields = two_row
            idx = [i for i, c in enumerate(cols) if c[1] in gfields]
            assert idx == list(range(idx[0], idx[0] + len(idx)))
            for i, (h, f, _) in enumerate(cols):
                if i in idx:
                    grid[(r + 1, i)] = h
                else:
                    grid[(r, i)] = h; merges.append((r, i, r + 1, i))
            grid[(r, idx[0])] = gh; merges.append((r, idx[0], r, idx[-1]))
            r += 2
        else:
            for i, (h, f, _) in enumerate(cols): grid[(r, i)] = h
            r += 1
        seq = 0
        prev = {}
        for it in items:
            if it[0] == "blank":
                r += 1; continue
            if it[0] == "skip":
                kind = it[1]
                if kind == "repeat_header":
                    for i, (h, f, _) in enumerate(cols): grid[(r, i)] = h if not two_row or f not in two_row[1] else h
                elif kind == "total":
                    grid[(r, 0)] = "合计"
                    for i, (h, f, fm) in enumerate(cols):
                        if f == "expected": grid[(r, i)] = sum((x[1].get("expected") or 0) for x in items if x[0] == "rec" and x[1]["status"] == "data")
                        if f == "present": grid[(r, i)] = sum((x[1].get("present") or 0) for x in items if x[0] == "rec" and x[1]["status"] == "data")
                elif kind == "footer":
                    grid[(r, 0)] = f"填表人：{self.r.choice(['张三', '李四', '王五'])}\u3000\u3000审核人：{self.r.choice(['赵六', '钱七'])}"
                    merges.append((r, 0, r, nc - 1))
                elif kind == "footer2":
                    grid[(r, 0)] = "填表人："; grid[(r, min(3, nc - 1))] = "审核人："
                elif kind == "note":
                    grid[(r, 0)] = "备注：以上活动记录经支部书记审核。"; merges.append((r, 0, r, nc - 1))
                rowinfo.append((r + 1, "skip", None)); r += 1; continue
            rec = it[1]
            seq += 1
            for i, (h, f, fm) in enumerate(cols):
                v = self.cell(rec, f, fm, seq)
                grid[(r, i)] = v
            rowinfo.append((r + 1, "data" if rec["status"] == "data" else "reject", rec))
            r += 1
        if body_merge:
            ci = [i for i, c in enumerate(cols) if c[1] == body_merge][0]
            datarows = [ri[0] - 1 for ri in rowinfo if ri[1] != "skip"]
            i = 0
            while i < len(datarows):
                j = i
                while j + 1 < len(datarows) and datarows[j + 1] == datarows[j] + 1 and grid.get((datarows[j + 1], ci)) == grid.get((datarows[i], ci)) and grid.get((datarows[i], ci)) is not None:
                    j += 1
                if j > i:
                    merges.append((datarows[i], ci, datarows[j], ci))
                    for k in range(i + 1, j + 1): grid[(datarows[k], ci)] = None
                i = j + 1
        return grid, merges, rowinfo

    def cell(self, rec, f, fm, seq):
        r = self.r
        if f == "seq": return seq
        if f == "date":
            if rec.get("bad") == "empty_date": return None
            if rec.get("bad") == "bad_date": return f"{rec['date'].year}年13月{rec['date'].day}日"
            return self.fdate(rec["date"], fm)
        if f == "plan_date":
            return self.fdate(rec.get("plan_date", rec["date"]), fm)
        if f == "type": return rec["text"]
        if f == "topic": return rec["topic"]
        if f == "host": return rec["host"]
        if f == "group": return rec["group"] or None
        if f == "expected": return self.fcount(rec.get("expected"), fm)
        if f == "present":
            if rec.get("bad") == "neg_count": return -3
            return self.fcount(rec.get("present"), fm)
        if f == "leave": return rec.get("leave")
        if f == "attendees": return self.fnames(rec.get("attendees"), fm)
        if f == "absentees": return self.fnames(rec.get("absentees"), fm)
        if f == "observers": return self.fnames(rec.get("observers"), fm)
        if f == "branch": return rec.get("branch_text", rec["branch"])
        if f == "branch_code": return rec.get("branch_code")
        if f == "host_id": return str(r.randint(10000, 99999))
        if f == "phone": return "1" + "".join(str(r.randint(0, 9)) for _ in range(10))
        if f == "place": return r.choice(["党员活动室", "第三会议室", "院机关四楼会议室", None])
        if f == "remark": return r.choice([None, None, None, "线上参加2人", "补记"])
        if f == "duration": return r.choice([60, 90, 120, 45])
        if f == "times": return f"第{seq}次"
        if f == "month": return f"{rec['date'].month}月"
        if f == "meeting_name": return rec.get("meeting_name")
        if f == "xunknown": return r.choice(["是", "否"])
        raise ValueError(f)

    # ---------------- bad rows ----------------
    def bad_row(self, b, month, kind):
        rec = self.act(b, dt.date(Y, month, self.r.randint(1, 28)), ["theme_day"])
        rec["bad"] = kind; rec["status"] = "reject"; rec["attendees"] = None
        return rec

    # ---------------- layouts ----------------
    def mk_items(self, recs, footers):
        items = [("rec", x) for x in recs]
        return items + [("skip", k) if k != "blank" else ("blank",) for k in footers]

    def L_title_monthly(self, b, acts):
        """monthly .xlsx, merged title + 填报单位 line, shuffled columns, text dates, '18人' counts,
        names with mixed separators, unknown+competing columns, 合计 and 填表人 footers; branch from title/填报单位."""
        r = self.r
        base = [("时间", "date", "mix_full"), ("活动类型", "type", None), ("活动主题", "topic", None),
                ("主持人", "host", None), ("党小组", "group", None), ("应到人数", "expected", "mix"),
                ("实到人数", "present", "mix"), ("参会人员", "attendees", "mix"), ("时长（分钟）", "duration", None),
                ("主持人电话", "phone", None), ("备注", "remark", None)]
        body = base[:]
        r.shuffle(body)
        cols = [("序号", "seq", None)] + body
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            for a in ma: self.att_mode(a, ["counts", "names", "names", "names_only", "names_mismatch", "none"])
            recs = list(ma)
            if m == 1 and self.r.random() < 0.8:
                x = self.act(b, dt.date(Y - 1, 12, 28), ["committee_meeting"]); x["present"] = 5; recs.insert(0, x)
                self.notes.append(f"{b['name']}: a 2023-12-28 row in the January file (outside period)")
            if m == 4: recs.insert(1, self.bad_row(b, 4, "empty_date"))
            title = r.choice([f"{b['name']}{Y}年{m}月“三会一课”登记表", f"{b['name']}{Y}年{m}月组织生活登记表"])
            top = [title, f"填报单位：{r.choice(b['aliases'])}\u3000\u3000填报时间：{Y}年{m % 12 + 1}月3日"]
            items = self.mk_items(recs, r.choice([["total", "footer"], ["blank", "footer"], ["note", "footer2"], ["footer"]]))
            g = self.table(cols, items, top=top, ncols_title=len(cols))
            rel = f"{b['stem']}/{b['name']}{Y}年{m}月三会一课登记表.xlsx"
            self.emit(rel, [(f"{m}月", *g)], "xlsx")

    def L_two_row_xls(self, b, acts):
        """monthly .xls, title w/o branch; header row 3-4 two-row (参会人数 over 应到|实到), Excel serial dates,
        缺席人员 only (present = 应到 - absent when 实到 empty), branch from file name (alias)."""
        r = self.r
        cols = [("序号", "seq", None), ("会议时间", "date", r.choice(["serial", "dtcell"])), ("会议类型", "type", None),
                ("会议主题", "topic", None), ("主讲人", "host", None), ("小组", "group", None),
                ("应到", "expected", "int"), ("实到", "present", "int"), ("请假人员", "absentees", "mix"), ("备注", "remark", None)]
        alias = r.choice(b["aliases"])
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            for a in ma: self.att_mode(a, ["counts", "absent", "absent_only", "absent_only", "none"])
            recs = list(ma)
            if m == 6: recs.append(self.bad_row(b, 6, "neg_count"))
            top = [f"{Y}年{m}月组织生活情况登记表", None]
            items = self.mk_items(recs, ["footer"])
            g = self.table(cols, items, top=top, two_row=("参会人数", ["expected", "present"]))
            rel = f"{b['stem']}/{alias}_{Y}年{m:02d}月" + [".xls", ".ett", ".xlt"][m % 3]
            self.emit(rel, [("Sheet1", *g)], "xls")

    def L_cumulative(self, b, acts):
        """one yearly workbook, a sheet per month + instructions sheet; title with year; dates '3月5日'/'3.5';
        branch column (alias) merged down; date merged when equal; also a monthly re-send for two months."""
        r = self.r
        cols = [("月份", "month", None), ("所在支部", "branch", None), ("日期", "date", "mix_md"), ("类型", "type", None),
                ("内容", "topic", None), ("主持人", "host", None), ("小组", "group", None), ("应到", "expected", "mix"),
                ("实到", "present", "mix"), ("出席人员", "attendees", "、"), ("缺席人员", "absentees", "、")]
        alias = r.choice(b["aliases"])
        sheets = []
        inst = ({(0, 0): "填表说明：", (1, 0): "1. 日期填写如3月5日；", (2, 0): "2. 每月5日前报送。"}, [], [])
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            for a in ma:
                a["branch_text"] = alias
                self.att_mode(a, ["counts", "names", "absent", "names_only"])
            recs = list(ma)
            if m == 9: recs.append(self.bad_row(b, 9, "bad_date")); recs[-1]["branch_text"] = alias
            top = [f"{b['name']}{Y}年度党建活动台账（{m}月）"]
            items = self.mk_items(recs, r.choice([["repeat_header"], ["footer"], []]))
            g = self.table(cols, items, top=top, body_merge=r.choice(["month", "branch"]))
            sheets.append((f"{m}月", *g))
        sheets.insert(0, ("填表说明", *inst))
        # note: the instruction sheet holds no rows
        self.emit(f"{b['stem']}/{b['name']}_{Y}年度台账.xlsx", sheets, "xlsx")
        # monthly re-sends of two months, earlier in path order than the yearly file => yearly wins.
        for m in r.sample(range(2, 9), 2):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            recs = []
            for a in ma:
                c = dict(a)
                c["topic"] = a["topic"].replace("学习", "学习 ") + r.choice(["", "。", "！"])  # same topic after removing spaces/punct
                if c.get("present") is not None and c["codes"][0] != "committee_meeting":
                    c["present"] = max(0, c["present"] - 1)  # differing value; the yearly file's row (later in order) wins
                c["superseded"] = True
                recs.append(c)
            cols2 = [("日期", "date", "cn"), ("支部", "branch", None), ("活动类型", "type", None), ("学习内容", "topic", None),
                     ("党小组", "group", None), ("应到", "expected", "int"), ("实到", "present", "int"),
                     ("参加人员", "attendees", "，"), ("缺席", "absentees", "，")]
            g = self.table(cols2, self.mk_items(recs, []))
            self.emit(f"{b['stem']}/{b['name']}_{Y}年{m:02d}月.xlsx", [("Sheet1", *g)], "xlsx")
            self.notes.append(f"{b['name']}: month {m} sent twice (monthly + yearly, yearly wins)")

    def L_owip(self, b, acts, slim=False):
        """owip platform export: competing columns (支部编码, 学工号, 计划/实际时间, 会议类型 vs 会议名称, 请假人数, 列席人员).
        formal branch name 中共…支部委员会 with unit in front. present = 实到 else 应到-请假人数."""
        r = self.r
        formal = f"中共某某市中级人民法院{b['stem']}支部委员会" if r.random() < 0.5 else f"中共{b['stem']}支部委员会"
        code = f"DZB{r.randint(100, 999)}"
        for a in acts:
            a["attendees"] = None; a["absentees"] = None
            a["branch_text"] = formal; a["branch_code"] = code
            a["plan_date"] = a["date"] - dt.timedelta(days=r.choice([0, 0, 1, 3, 5]))
            if a["codes"][0] == "group_meeting": a["group"] = ""  # no group column in the template
            a["observers"] = r.sample([m["name"] for m in self.branches[0]["members"]], 2) if r.random() < 0.2 else None
            if slim:
                a["meeting_name"] = a["text"]
            else:
                a["meeting_name"] = f"{a['date'].month}月{a['topic']}"
            if a.get("expected") is not None and r.random() < 0.4 and a["codes"][0] != "committee_meeting":
                a["leave"] = a["expected"] - a["present"]; a["present"] = None
            elif r.random() < 0.1:
                a["leave"] = 0; a["present"] = None
            else:
                a["leave"] = None
        # group meetings lose their group => same (branch,'',type,date,topic) could collide; make topics unique
        seen = set()
        for a in acts:
            k = (tuple(a["codes"]), a["date"], norm_topic(a["topic"]))
            i = 2
            while k in seen:
                a["topic"] = a["topic"] + f"（{cnnum(i)}）"; i += 1
                k = (tuple(a["codes"]), a["date"], norm_topic(a["topic"]))
            seen.add(k)
            if not slim: a["meeting_name"] = f"{a['date'].month}月{a['topic']}"
        if slim:
            cols = [("所在党支部", "branch", None), ("会议名称", "type", None), ("实际会议时间", "date", "dttext"),
                    ("应到人数", "expected", "int"), ("实到人数", "present", "int"), ("请假人数", "leave", None), ("议题", "topic", None)]
        else:
            cols = [("所在党支部编码", "branch_code", None), ("所在党支部", "branch", None), ("会议类型", "type", None),
                    ("主持人学工号", "host_id", None), ("主持人姓名", "host", None), ("会议名称", "meeting_name", None),
                    ("计划会议时间", "plan_date", "dttext"), ("实际会议时间", "date", "dttext"), ("应到人数", "expected", "int"),
                    ("实到人数", "present", "int"), ("请假人数", "leave", None), ("列席人员", "observers", "、"), ("议题", "topic", None)]
        for a in acts:
            if a["codes"] == ["member_meeting", "party_lecture"] and slim:
                pass
        # quarterly exports, xlsx or csv
        for q in range(4):
            qa = [a for a in acts if (a["date"].month - 1) // 3 == q]
            if not qa: continue
            g = self.table(cols, self.mk_items(qa, []))
            fmt = "csv" if slim else "xlsx"
            self.emit(f"平台导出/三会一课_{b['stem']}_{Y}Q{q + 1}.{fmt}", [("Sheet1" if fmt == "xlsx" else "csv", *g)], fmt)

    def L_growing(self, b, acts):
        """one growing sheet sent twice (截至6月 and 截至12月): header row 1, type column first,
        Excel date cells with time, names separated by spaces, repeated header in the middle; .xlsx.
        The 截至6月 file comes first in path order; rows re-appear in 截至12月 (which wins)."""
        r = self.r
        cols = [("活动形式", "type", None), ("召开时间", "date", r.choice(["dtcell", "dtcell_time"])), ("计划时间", "plan_date", "dtcell"),
                ("议题", "topic", None), ("授课人", "host", None), ("所在支部", "branch", None), ("党小组", "group", None),
                ("应参加人数", "expected", "str"), ("参加人数", "present", "mix"), ("参加人员", "attendees", r.choice([" ", "\n", ";"])),
                ("支部编号", "branch_code", None), ("次数（第几次）", "times", None)]
        for a in acts:
            self.att_mode(a, ["counts", "names", "names_only"])
            a["plan_date"] = a["date"] - dt.timedelta(days=r.choice([0, 2, 4, 6]))
            a["branch_code"] = "ZB07"
        # make the secretary training the first cell of a row (type column is first)
        for part, upto in (("（截至6月）", 6), ("（截至12月）", 12)):
            pa = [a for a in acts if a["date"].month <= upto]
            items = []
            for i, a in enumerate(pa):
                if i == len(pa) // 2: items.append(("skip", "repeat_header"))
                items.append(("rec", a))
            items.append(("skip", "footer2"))
            g = self.table(cols, items)
            self.emit(f"{b['stem']}/{b['name']}党建活动台账{part}.xlsx", [("台账", *g)], "xlsx")
        self.notes.append(f"{b['name']}: growing sheet sent at June and December (Jan-Jun rows twice, identical)")

    def L_csv_md(self, b, acts):
        """monthly CSV, dates '3月5日' with year from FILE NAME only (no title), branch from file name, combined types."""
        r = self.r
        cols = [("活动时间", "date", "md_cn"), ("会议名称", "type", None), ("议题", "topic", None), ("主持人", "host", None),
                ("党小组", "group", None), ("应到", "expected", "cn"), ("实到", "present", "ren"), ("参会人员", "attendees", "；")]
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            for a in ma: self.att_mode(a, ["counts", "names"])
            g = self.table(cols, self.mk_items(ma, ["total"]))
            self.emit(f"{b['stem']}/{b['name']}-{Y}年{m}月.csv", [("csv", *g)], "csv")


    def L_deep(self, b, acts):
        """monthly, header at row 15 (title, formal-name 填报单位, 说明 lines, blanks above), extension variants
        (.xlsx .xlsm .et .xltx), dates '3月5日' with year from title (title year), date cells merged down when equal,
        会议类型 + 会议名称 both present, 缺席人数, 列席人员, 支部代码; blank rows mid-body; an exact duplicate row;
        plus a late 2023-12 file (md dates, year only in title/file) whose rows are outside the period."""
        r = self.r
        cols = [("序号", "seq", None), ("召开日期", "date", "md_cn"), ("会议类型", "type", None), ("会议名称", "meeting_name", None),
                ("议题", "topic", None), ("主持人", "host", None), ("党小组", "group", None), ("应到人数", "expected", "int"),
                ("实到人数", "present", "int"), ("缺席人数", "leave", None), ("参会人员", "attendees", "mix"),
                ("缺席人员", "absentees", "、"), ("列席人员", "observers", "、"), ("支部代码", "branch_code", None)]
        formal = f"中共{b['stem']}支部委员会"
        exts = [".xlsx", ".xlsm", ".et", ".xltx"]
        def write(m, recs, year, fname):
            for a in recs:
                a["meeting_name"] = f"{a['date'].month}月份{r.choice(['组织生活', '三会一课', '学习'])}"
                a["branch_code"] = "0" + str(r.randint(1000, 9999))
                a["observers"] = r.sample(["院领导甲", "院领导乙", "纪检员丙"], 1) if r.random() < 0.2 else None
            # force pairs with equal dates to exercise merged date cells
            recs.sort(key=lambda a: a["date"])
            items = []
            for i, a in enumerate(recs):
                items.append(("rec", a))
                if i == 2: items.append(("blank",))
            top = [f"{year}年{m}月党支部组织生活记录", f"填报单位：{formal}", None, "说明：1. 本表按月填报；", "2. 参会人员以顿号分隔；",
                   "3. 日期填写到日；", None, None, None, None, None, None, "单位：人", None]
            assert len(top) == 14
            g = self.table(cols, items + [("skip", "footer")], top=top, body_merge="date")
            ext = exts[m % 4]
            path = os.path.join(self.sub, fname + ext)
            self.emit(fname + ext, [("记录", *g)], "xlsx")
            if ext == ".xltx":
                wb = openpyxl.load_workbook(path); wb.template = True; wb.save(path)
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            for i, a in enumerate(ma):
                self.att_mode(a, ["counts", "names", "both", "absent_only", "leave_count"])
            # make two activities share a date (merged date cell)
            if len(ma) >= 3:
                ma[1]["date"] = ma[0]["date"] if ma[1]["date"].month == ma[0]["date"].month else ma[1]["date"]
            recs = list(ma)
            if m == 5 and len(ma) > 1:  # exact duplicate row in the same file (copy-paste)
                recs.append(dict(ma[-1])); self.notes.append(f"{b['name']}: duplicate row in May file")
            write(m, recs, Y, f"{b['stem']}/{b['name']}{Y}年{m}月台账")
        # late file for December of the previous year
        old = [self.act(b, dt.date(Y - 1, 12, d), [c]) for d, c in ((6, "committee_meeting"), (20, "theme_day"))]
        for a in old: self.att_mode(a, ["counts"])
        write(12, old, Y - 1, f"{b['stem']}/{b['name']}{Y - 1}年12月台账（补报）")
        self.notes.append(f"{b['name']}: a 2023-12 file with dates '12月6日' (year only in title/file name) -> outside period")

    def L_ods(self, b, acts):
        """LibreOffice .ods monthly: merged title (spanned), type merged down over equal consecutive types,
        date cells typed as dates or text 2024年03月05日; 参会人员 with trailing separators; 缺席人员 '无' never used."""
        r = self.r
        cols = [("活动时间", "date", r.choice(["dtcell", "cn"])), ("活动类型", "type", None), ("活动主题", "topic", None),
                ("主持人", "host", None), ("党小组", "group", None), ("应到", "expected", "ren"), ("实到", "present", "ren_sp"),
                ("参会人员", "attendees", "mix")]
        for m in range(1, 13):
            ma = sorted([a for a in acts if a["date"].month == m], key=lambda a: (a["codes"], a["date"]))
            if not ma: continue
            for a in ma: self.att_mode(a, ["counts", "names", "names_only"])
            g = self.table(cols, self.mk_items(ma, ["footer"]), top=[f"{b['name']}{Y}年{m}月活动登记"], body_merge="type")
            self.emit(f"{b['stem']}/{b['name']}_{Y}{m:02d}.ods", [("工作表1", *g)], "ods")

    def L_combined_split(self, b, acts):
        """monthly .xlsx, header row 1, branch column with the formal name; a combined entry sent first as
        '支部党员大会暨党课' then re-sent split into two rows (same topic) -> one activity per type."""
        r = self.r
        cols = [("日期", "date", "slash"), ("支部", "branch", None), ("类型", "type", None), ("主题", "topic", None),
                ("党小组", "group", None), ("应到", "expected", "float"), ("实到", "present", "float"), ("参会人员", "attendees", "mix")]
        formal = f"中共某某市中级人民法院{b['stem']}支部委员会"
        for a in acts:
            a["branch_text"] = formal
            self.att_mode(a, ["counts", "names", "names_only"])
        for m in range(1, 13):
            ma = [a for a in acts if a["date"].month == m]
            if not ma: continue
            g = self.table(cols, self.mk_items(ma, []))
            self.emit(f"{b['stem']}/{m:02d}月/{b['name']}.xlsx", [("Sheet1", *g)], "xlsx")
            comb = [a for a in ma if len(a["codes"]) == 2]
            if comb:
                split = []
                for a in comb:
                    for c, t in zip(a["codes"], ("支部党员大会", "党课")):
                        x = dict(a); x["codes"] = [c]; x["text"] = t; split.append(x)
                g = self.table(cols, self.mk_items(split, []))
                self.emit(f"{b['stem']}/{m:02d}月/{b['name']}（更正）.xlsx", [("Sheet1", *g)], "xlsx")
                self.notes.append(f"{b['name']}: month {m} combined entry re-sent split")

    # ---------------- build ----------------
    def build(self, nb, layouts):
        self.make_court(nb)
        self.write_roster()
        self.branch_layout = {}
        sheetname = []
        for b, lay in zip(self.branches, layouts):
            acts = self.gen_year(b)
            b["acts"] = acts
            self.branch_layout[b["name"]] = lay
            if lay == "sheetname": sheetname.append(b); continue
            getattr(self, "L_" + lay)(b, acts) if lay != "owip_slim" else self.L_owip(b, acts, slim=True)
        if sheetname:
            cols = [("序号", "seq", None), ("活动日期", "date", "dtcell"), ("活动类型", "type", None), ("活动主题", "topic", None),
                    ("党小组", "group", None), ("应到", "expected", "int"), ("实到", "present", "int"), ("参加人员", "attendees", "、")]
            for q in range(4):
                sheets = []
                for b in sheetname:
                    qa = [a for a in b["acts"] if (a["date"].month - 1) // 3 == q]
                    for a in qa: self.att_mode(a, ["counts", "names"])
                    g = self.table(cols, self.mk_items(qa, ["footer"]))
                    sheets.append((b["aliases"][0], *g))
                self.emit(f"机关党委汇总/{Y}年第{'一二三四'[q]}季度各支部台账.xlsx", sheets, "xlsx")
        if self.extras:
            import shutil
            d = os.path.join(self.sub, "其他")
            os.makedirs(d, exist_ok=True)
            open(os.path.join(d, "~$立案庭党支部2024年3月台账.xlsx"), "wb").write(b"\x05lock" + bytes(150))
            any_x = [x for x in self.rows if x[0].endswith(".xlsx")][0][0]
            shutil.copy(os.path.join(self.sub, any_x), os.path.join(d, ".~备份.xlsx"))
            open(os.path.join(d, "损坏的台账.xlsx"), "wb").write(b"PK\x03\x04" + os.urandom(300))
            self.files_failed = 1; self.files_skipped = 2
            self.ambiguous.append("files.read with one corrupt file: whether read counts the failed file is not settled; left out")
        # unmatched branch file
        if self.r.random() < 2:
            fake = {"name": "司法警察大队党支部", "members": [{"name": self.name(), "group": "第一党小组", "dil": 0.9} for _ in range(6)],
                    "groups": ["第一党小组"], "aliases": ["法警大队党支部"], "stem": "司法警察大队"}
            recs = [self.act(fake, dt.date(Y, 3, d), ["theme_day"]) for d in (5, 18)]
            for x in recs: x["status"] = "reject"; x["attendees"] = None
            cols = [("日期", "date", "dash"), ("支部名称", "branch", None), ("活动类型", "type", None), ("主题", "topic", None),
                    ("应到", "expected", "int"), ("实到", "present", "int")]
            g = self.table(cols, self.mk_items(recs, []))
            self.emit("司法警察大队/法警大队党支部2024年3月台账.xlsx", [("Sheet1", *g)], "xlsx")
        if self.plan: self.write_plan()
        self.truth()

    def write_plan(self):
        self.threshold = 0.75
        self.requirements = [("member_meeting", "quarter", 1, False), ("committee_meeting", "month", 1, False),
                             ("group_meeting", "quarter", 2, True), ("party_lecture", "quarter", 1, False),
                             ("theme_day", "month", 1, False), ("political_study", "quarter", 1, False)]
        s = "attendance_threshold = 0.75\n\n"
        for t, c, mn, pg in self.requirements:
            s += f'[[requirement]]\ntype = "{t}"\ncadence = "{c}"\nminimum = {mn}\n' + ('per = "group"\n' if pg else "") + "\n"
        open(os.path.join(self.out, "plan.toml"), "w").write(s)

    # ---------------- truth ----------------
    def truth(self):
        as_of = self.as_of
        start = dt.date(Y, 1, 1)
        rows = sorted(self.rows, key=lambda x: (x[0], x[1], x[2]))
        counts = Counter()
        acts = {}
        for rel, si, rn, kind, rec in rows:
            if kind == "skip": counts["skipped"] += 1; continue
            if kind == "reject": counts["rejected"] += 1; continue
            counts["accepted"] += 1
            if not (start <= rec["date"] <= as_of): counts["outside_period"] += 1; continue
            for c in rec["codes"]:
                k = (rec["branch"], rec["group"], c, rec["date"], norm_topic(rec["topic"]))
                acts[k] = (c, rec)  # last wins
        counts["read"] = counts["accepted"] + counts["rejected"] + counts["skipped"]
        A = list(acts.values())
        months_due = [m for m in range(1, 13) if dt.date(Y, m, 1) + dt.timedelta(days=32) - dt.timedelta(days=(dt.date(Y, m, 1) + dt.timedelta(days=32)).day) <= as_of]
        def month_end(m):
            return (dt.date(Y, m + 1, 1) - dt.timedelta(days=1)) if m < 12 else dt.date(Y, 12, 31)
        months_due = [m for m in range(1, 13) if month_end(m) <= as_of]
        quarters_due = [q for q in range(1, 5) if month_end(3 * q) <= as_of]

        def present(rec):
            if rec.get("present") is not None: return rec["present"]
            if rec.get("attendees"): return len(rec["attendees"])
            if rec.get("expected") is not None and rec.get("absentees"): return rec["expected"] - len(rec["absentees"])
            if rec.get("expected") is not None and rec.get("leave") is not None: return rec["expected"] - rec["leave"]
            return None

        T = {"year": Y, "as_of": as_of.isoformat(),
             "files": {"read": self.files_read, "failed": self.files_failed, "skipped": self.files_skipped},
             "rows": dict(counts), "totals": {}, "branches": [], "coverage": {"requirements": {}, "members": {}},
             "below_target": [], "members_below_threshold": []}
        for k in ("read", "accepted", "rejected", "skipped", "outside_period"): T["rows"].setdefault(k, 0)
        for t in TYPES:
            tl = [(c, r) for c, r in A if c == t]
            T["totals"][t] = {"activities": len(tl), "person_times": sum(present(r) for c, r in tl if present(r) is not None)}
        roster_members = [(m["name"], b["name"], m["group"]) for b in self.branches for m in b["members"]]
        cov_met = Counter(); cov_den = Counter(); active_sum = 0
        for b in self.branches:
            ba = [(c, r) for c, r in A if r["branch"] == b["name"]]
            e = {"branch": b["name"], "counts": {t: sum(1 for c, r in ba if c == t) for t in TYPES}}
            e["active_months"] = len({r["date"].month for c, r in ba if r["date"].month in months_due})
            active_sum += e["active_months"]
            ar = {}
            for t in TYPES:
                p = [(present(r), r["expected"]) for c, r in ba if c == t and present(r) is not None and r.get("expected")]
                if p: ar[t] = round(sum(x for x, _ in p) / sum(y for _, y in p), 6)
            e["attendance_rate"] = ar
            G = len(b["groups"])
            reqs = []
            for t, cad, mn, pg in self.requirements:
                per = months_due if cad == "month" else quarters_due
                req = mn * (G if pg else 1)
                met = 0; gap = 0; miss = []
                for p in per:
                    if cad == "month":
                        n = sum(1 for c, r in ba if c == t and r["date"].month == p); lab = f"{Y}-{p:02d}"
                    else:
                        n = sum(1 for c, r in ba if c == t and (r["date"].month - 1) // 3 + 1 == p); lab = f"{Y}Q{p}"
                    if n >= req: met += 1
                    else: gap += req - n; miss.append(lab)
                reqs.append({"type": t, "cadence": cad, "required_per_period": req, "periods": len(per), "met": met,
                             "compliance": round(met / len(per), 6) if per else None, "gap": gap, "missing": miss})
                if not per: del reqs[-1]["compliance"]
                cov_met[t] += met; cov_den[t] += len(per)
                if per and met < len(per):
                    T["below_target"].append({"branch": b["name"], "type": t, "gap": gap, "missing": miss})
            e["requirements"] = reqs
            T["branches"].append(e)
        for t, *_ in self.requirements:
            if cov_den[t]: T["coverage"]["requirements"][t] = round(cov_met[t] / cov_den[t], 6)
        T["coverage"]["active_months"] = round(active_sum / (len(self.branches) * len(months_due)), 6) if months_due else None
        # member figures
        mem_branch = {(m["name"], b["name"]): m["group"] for b in self.branches for m in b["members"]}
        named_types = set()
        present_sets = defaultdict(set)
        att = Counter(); expn = Counter()
        for c, r in A:
            names_att = bool(r.get("attendees")) or bool(r.get("absentees"))
            if not names_att: continue
            named_types.add(c)
            b = [x for x in self.branches if x["name"] == r["branch"]][0]
            exp = [m["name"] for m in b["members"] if c != "group_meeting" or m["group"] == r["group"]]
            for n in exp:
                expn[(n, b["name"])] += 1
                if r.get("attendees"):
                    pres = n in r["attendees"]
                else:
                    pres = n not in r["absentees"]
                if pres: att[(n, b["name"])] += 1; present_sets[c].add((n, b["name"]))
            if r.get("attendees"):
                for n in r["attendees"]:
                    assert n in exp, (n, r)
        for t in TYPES:
            if t in named_types:
                T["coverage"]["members"][t] = round(len(present_sets[t]) / len(roster_members), 6)
        for (n, bn), g in mem_branch.items():
            k = (n, bn)
            if expn[k] > 0 and att[k] / expn[k] < self.threshold:
                T["members_below_threshold"].append({"name": n, "branch": bn, "attended": att[k], "expected": expn[k],
                                                     "rate": round(att[k] / expn[k], 6)})
        if self.files_failed: del T["files"]["read"]
        if self.units:
            U = []
            below_b = {x["branch"] for x in T["below_target"]}
            for u in sorted({b["unit"] for b in self.branches}):
                bs = [b for b in self.branches if b["unit"] == u]
                names = {b["name"] for b in bs}
                es = [e for e in T["branches"] if e["branch"] in names]
                cr = {}
                for t, *_ in self.requirements:
                    rq = [q for e in es for q in e["requirements"] if q["type"] == t]
                    cr[t] = round(sum(q["met"] for q in rq) / sum(q["periods"] for q in rq), 6)
                tot = {t: {"activities": sum(1 for c, r in A if c == t and r["branch"] in names),
                           "person_times": sum(present(r) for c, r in A if c == t and r["branch"] in names and present(r) is not None)} for t in TYPES}
                U.append({"unit": u, "branches": len(bs), "totals": tot,
                          "coverage": {"requirements": cr, "active_months": round(sum(e["active_months"] for e in es) / (len(es) * len(months_due)), 6)},
                          "below_target_branches": len(names & below_b),
                          "members_below_threshold": sum(1 for x in T["members_below_threshold"] if x["branch"] in names)})
            U.sort(key=lambda x: (sum(x["coverage"]["requirements"].values()) / len(x["coverage"]["requirements"]), x["unit"]))
            for i, x in enumerate(U): x["rank"] = i + 1
            json.dump(U, open(os.path.join(self.out, "truth_units.json"), "w"), ensure_ascii=False, indent=1)
        T["ambiguous"] = self.ambiguous
        T["conventions"] = ["generated by bench/diffcheck/gen.py seed %s" % self.seed, "layouts: " + json.dumps(self.branch_layout, ensure_ascii=False)] + self.notes
        json.dump(T, open(os.path.join(self.out, "truth.json"), "w"), ensure_ascii=False, indent=1)
        # records for debugging
        with open(os.path.join(self.out, "truth_records.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["branch", "group", "type", "date", "topic", "expected", "present", "text"])
            for c, r in sorted(A, key=lambda x: (x[1]["branch"], x[1]["date"], x[0])):
                w.writerow([r["branch"], r["group"], c, r["date"], r["topic"], r.get("expected"), present(r), r["text"]])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", type=int); ap.add_argument("out")
    ap.add_argument("--as-of"); ap.add_argument("--plan", action="store_true")
    ap.add_argument("--layouts", required=True); ap.add_argument("--extras", action="store_true"); ap.add_argument("--units", action="store_true"); ap.add_argument("--dupname", action="store_true")
    a = ap.parse_args()
    import shutil
    shutil.rmtree(a.out, ignore_errors=True); os.makedirs(a.out)
    lays = a.layouts.split(",")
    c = Court(a.seed, a.out, dt.date.fromisoformat(a.as_of) if a.as_of else None, a.plan)
    c.extras = a.extras; c.units = a.units; c.dupname = a.dupname
    c.build(len(lays), lays)
    print("ok", a.out, json.dumps(json.load(open(os.path.join(a.out, "truth.json")))["rows"]))
