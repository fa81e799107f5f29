#!/usr/bin/env bash
# Memory and limits under hostile input (SPEC 8). Not run in CI.
#
# Builds, in a temporary folder:
#   1. bomb:  an .xlsx whose xl/sharedStrings.xml inflates to 1.5 GB (a few MB compressed),
#             which must be refused from the zip's declared sizes, with one problem line;
#   2. rows:  an .xlsx with one 200,000-row sheet, which must be read in full;
#   3. grids: an .xls whose sector chains loop, an .xls with one cell moved to row 65,001,
#             an .ods of a few hundred bytes whose repeated rows span 900 million cells:
#             calamine would allocate gigabytes for each; each must be refused with one line;
# then runs the release binary on each under /usr/bin/time -v and prints the exit code, the
# wall time, the peak RSS and the file counts.
#
#   bench/hostile.sh                      # uses target/release/branchstat (build it first)
#   BIN=target/debug/branchstat ROWS=20000 BOMB_MB=200 bench/hostile.sh   # a quick dry run
#
# Needs python3 (standard library only). The script never builds anything itself.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/target/release/branchstat}"
ROWS="${ROWS:-200000}"
BOMB_MB="${BOMB_MB:-1536}"
ROSTER="$ROOT/samples/roster.xlsx"

if [[ ! -x "$BIN" ]]; then
    echo "no binary at $BIN: run 'cargo build --release' first (or set BIN=...)" >&2
    exit 2
fi
TIME=/usr/bin/time
if [[ ! -x "$TIME" ]]; then
    echo "/usr/bin/time is missing (apt-get install time): peak RSS cannot be measured" >&2
    exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/branchstat-hostile.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bomb/桥头人民法庭党支部" "$WORK/rows/桥头人民法庭党支部" "$WORK/grids/执行局第二党支部"
SAMPLE_XLS="$(find "$ROOT/samples/submissions" -name '*.xls' | sort | head -1)"

python3 - "$WORK" "$ROWS" "$BOMB_MB" "$SAMPLE_XLS" <<'PY'
import struct, sys, zipfile

work, rows, bomb_mb, sample_xls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

def skeleton(z, shared):
    z.writestr("[Content_Types].xml", HEAD +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>' if shared else "")
        + '</Types>')
    z.writestr("_rels/.rels", HEAD + f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", HEAD + f'<workbook {NS} {RNS}><sheets>'
        '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", HEAD + f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
        + '</Relationships>')

def cell(ref, text):
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

# 1. The bomb: streamed, so neither Python nor the disk holds the 1.5 GB.
with zipfile.ZipFile(f"{work}/bomb/桥头人民法庭党支部/炸弹.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    skeleton(z, shared=True)
    z.writestr("xl/worksheets/sheet1.xml", HEAD + f'<worksheet {NS}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        part.write((HEAD + f'<sst {NS} count="1" uniqueCount="1"><si><t>').encode())
        chunk = b"a" * (1 << 20)
        for _ in range(bomb_mb):
            part.write(chunk)
        part.write(b"</t></si></sst>")

# 2. A long sheet: a title, a header, then ROWS activity rows.
kinds = ["支委会", "党小组会", "主题党日", "政治学习", "党员大会"]
with zipfile.ZipFile(f"{work}/rows/桥头人民法庭党支部/桥头人民法庭党支部2024年台账.xlsx", "w",
                     zipfile.ZIP_DEFLATED) as z:
    skeleton(z, shared=False)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
        part.write((HEAD + f'<worksheet {NS}><sheetData>').encode())
        part.write(('<row r="1">' + cell("A1", "桥头人民法庭党支部2024年“三会一课”登记表") + "</row>").encode())
        header = ["日期", "活动类型", "活动主题", "应到", "实到"]
        part.write(('<row r="2">' + "".join(cell(f"{c}2", h) for c, h in zip("ABCDE", header)) + "</row>").encode())
        buf = []
        for i in range(rows):
            r = i + 3
            month, day = i % 12 + 1, i % 28 + 1
            buf.append(f'<row r="{r}">' + cell(f"A{r}", f"2024年{month}月{day}日") + cell(f"B{r}", kinds[i % 5])
                       + cell(f"C{r}", f"第{i}次活动") + f'<c r="D{r}"><v>5</v></c><c r="E{r}"><v>{4 + i % 2}</v></c></row>')
            if len(buf) == 10000:
                part.write("".join(buf).encode())
                buf.clear()
        part.write(("".join(buf) + "</sheetData></worksheet>").encode())

# 3. Grids. The sample .xls with every end-of-chain mark of its first FAT sector pointing at
# its own sector (each chain loops), and with its first text cell moved to row 65,001.
xls = bytearray(open(sample_xls, "rb").read())
size = 1 << struct.unpack_from("<H", xls, 30)[0]
fat = (struct.unpack_from("<I", xls, 76)[0] + 1) * size
looped = bytearray(xls)
for i in range(size // 4):
    if struct.unpack_from("<I", looped, fat + 4 * i)[0] == 0xFFFFFFFE:
        struct.pack_into("<I", looped, fat + 4 * i, i)
open(f"{work}/grids/执行局第二党支部/循环扇区.xls", "wb").write(looped)
at = xls.find(bytes([0xFD, 0x00, 0x0A, 0x00])) + 4
struct.pack_into("<HH", xls, at, 65000, 200)
open(f"{work}/grids/执行局第二党支部/远处单元格.xls", "wb").write(xls)
text = '<table:table-cell office:value-type="string"><text:p>支委会</text:p></table:table-cell>'
content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body><office:spreadsheet>'
           f'<table:table table:name="台账"><table:table-row>{text}</table:table-row>'
           '<table:table-row table:number-rows-repeated="900000"><table:table-cell/></table:table-row>'
           f'<table:table-row><table:table-cell table:number-columns-repeated="999"/>{text}</table:table-row>'
           '</table:table></office:spreadsheet></office:body></office:document-content>')
with zipfile.ZipFile(f"{work}/grids/执行局第二党支部/远处单元格.ods", "w") as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("content.xml", content)
PY

printf '%-6s %12s %6s %10s %14s  %s\n' case compressed exit wall "peak RSS" "files read/failed; rows read/accepted"
for case in bomb rows grids; do
    size=$(find "$WORK/$case" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    set +e
    "$TIME" -v "$BIN" run "$WORK/$case" --roster "$ROSTER" --year 2024 --out "$WORK/out-$case" --quiet \
        >"$WORK/$case.out" 2>"$WORK/$case.err"
    code=$?
    set -e
    rss_kb=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$WORK/$case.err")
    wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$case.err")
    counts=$(python3 - "$WORK/out-$case/metrics.json" <<'PY'
import json, sys
try:
    m = json.load(open(sys.argv[1]))
    print(f'{m["files"]["read"]}/{m["files"]["failed"]}; {m["rows"]["read"]}/{m["rows"]["accepted"]}')
except OSError:
    print("no metrics.json")
PY
)
    printf '%-6s %12s %6s %10s %11s MB  %s\n' "$case" "$size" "$code" "$wall" "$((rss_kb / 1024))" "$counts"
    if [[ -f "$WORK/out-$case/issues.csv" ]]; then
        grep -E '炸弹|循环扇区|远处单元格' "$WORK/out-$case/issues.csv" | sed 's/^/         /' || true
    fi
    if [[ $code -ne 0 ]]; then
        sed 's/^/         stderr: /' "$WORK/$case.err" | grep -v '^\s*stderr: \s' | head -5
    fi
done
