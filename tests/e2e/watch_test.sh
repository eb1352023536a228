# SPDX-License-Identifier: Apache-2.0
# The counterfeit watch through the real binary, on the demo: the Taobao copy found by its mark and
# photos, confirmed, traced to a supplier and packaged for Alibaba's IP protection platform with
# evidence whose hashes check; new listings imported from CSV and JSON with their photos in a ZIP
# and a folder; every malformed file and broken or missing image refused at its place with nothing
# changed; decisions and complaint states recorded with the actor and the dates; one open complaint
# per link.
source "$(dirname "$0")/lib.sh"
IMAGES="$MOAT_SOURCE_DIR/examples/aurora/watch"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
W=(-w "$WORK/ws")

# ---- The demo's copy: found, confirmed, traced, packaged ------------------------------------------

run "$MOAT" "${W[@]}" watch hits --status confirmed --json
expect_status 0 "watch hits --status confirmed"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the demo's confirmed copy"
import json, sys
hits = json.load(open(sys.argv[1]))
assert len(hits) == 1, hits
hit = hits[0]
assert hit["listing"]["platform"] == "taobao" and hit["status"] == "confirmed", hit
kinds = {r["kind"] for r in hit["reasons"]}
assert {"mark", "image"} <= kinds, hit["reasons"]
assert any(r["id"] == "IP07" and r["status"] == "registered" for r in hit["rights"]), hit["rights"]
assert hit["decided_by"] and hit["decision_reason"], hit
assert all(len(i["sha256"]) == 64 for i in hit["listing"]["images"]), hit["listing"]["images"]
PY

run "$MOAT" "${W[@]}" flags --all --json
expect_status 0 "flags"
expect_stdout '"counterfeit-traced"' "a flag links the copy to a supplier"

run "$MOAT" "${W[@]}" watch complaints --json
expect_status 0 "watch complaints"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the demo's complaint package"
import hashlib, json, os, sys
complaints = json.load(open(sys.argv[1]))
assert len(complaints) == 1, complaints
c = complaints[0]
assert c["platform"] == "taobao" and c["status"] == "drafted" and c["ready"], c
fields = json.load(open(os.path.join(c["folder"], "complaint.json")))
assert fields["programme"].startswith("Alibaba IP Protection Platform"), fields["programme"]
assert fields["ipr"]["id"] == "IP07" and fields["ipr"]["registration_number"] == "81234567", fields["ipr"]
assert len(fields["links"]) <= fields["max_links"], fields
for link in fields["links"]:
    for e in link["evidence"]:
        data = open(os.path.join(c["folder"], e["file"]), "rb").read()
        assert hashlib.sha256(data).hexdigest() == e["sha256"], e
        assert e["captured_at"] and e["captured_by"], e
kinds = {d["kind"] for d in fields["documents"]}
assert {"certificate", "business-licence"} <= kinds, fields["documents"]
assert os.path.getsize(os.path.join(c["folder"], "summary.md")) > 0
PY

# ---- Bad input changes nothing -------------------------------------------------------------------

events() { sql "$WORK/ws" 'SELECT COUNT(*) FROM "ledger"'; }
listings() { sql "$WORK/ws" 'SELECT COUNT(*) FROM "listings"'; }
BEFORE_EVENTS=$(events)
BEFORE_LISTINGS=$(listings)
unchanged() {
  CHECKS=$((CHECKS + 1))
  [ "$(events)" = "$BEFORE_EVENTS" ] && [ "$(listings)" = "$BEFORE_LISTINGS" ] || fail "$1 changed the workspace"
}
HEADER=platform,url,listing_id,title,description,price,currency,min_order,seller,store_url,seller_location,images,captured_at,captured_by

printf '%s\nshopee,https://x.example/1,1,AURORA,,,,,,,,,,\n' "$HEADER" > "$WORK/platform.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/platform.csv"
expect_status 1 "unknown platform"
expect_stderr "platform.csv:2:1" "unknown platform"
unchanged "an unknown platform"

printf 'platform,url,title,colour\ntaobao,https://x.example/1,AURORA,red\n' > "$WORK/column.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/column.csv"
expect_status 1 "unknown column"
expect_stderr "column.csv:1:20" "unknown column"
unchanged "an unknown column"

printf 'platform,url\ntaobao,https://x.example/1\n' > "$WORK/title.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/title.csv"
expect_status 1 "missing title column"
expect_stderr "missing column 'title'" "missing title column"
unchanged "a missing column"

printf 'platform,url,title,price,currency\ntaobao,https://x.example/1,AURORA,cheap,CNY\n' > "$WORK/price.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/price.csv"
expect_status 1 "bad price"
expect_stderr "price.csv:2:35" "bad price"
unchanged "a bad price"

printf '[{"platform": "taobao", "url": "https://x.example/1", "title": 7}]' > "$WORK/bad.json"
run "$MOAT" "${W[@]}" watch import "$WORK/bad.json"
expect_status 1 "JSON title not a string"
expect_stderr "bad.json#/0/title" "JSON title"
unchanged "a JSON listing with a bad field"

printf '{"listings": [{"platform": "taobao", "url": "https://x.example/1", "title": "A"' > "$WORK/cut.json"
run "$MOAT" "${W[@]}" watch import "$WORK/cut.json"
expect_status 1 "JSON cut short"
unchanged "a JSON file cut short"

printf 'platform,url,title,images\ntaobao,https://x.example/9,AURORA,front.png;back.png\n' > "$WORK/images.csv"
mkdir -p "$WORK/photos"
cp "$IMAGES/aurora-front.png" "$WORK/photos/front.png"
run "$MOAT" "${W[@]}" watch import "$WORK/images.csv"
expect_status 1 "images named, none given"
expect_stderr "images.csv:2:35" "images named, none given"
run "$MOAT" "${W[@]}" watch import "$WORK/images.csv" --images "$WORK/photos"
expect_status 1 "an image missing"
expect_stderr "images.csv:2:35" "an image missing"
expect_stderr "'back.png' is not in" "an image missing"
head -c 4000 "$IMAGES/tb-7001-main.png" > "$WORK/photos/back.png"
run "$MOAT" "${W[@]}" watch import "$WORK/images.csv" --images "$WORK/photos"
expect_status 1 "a broken image"
expect_stderr "images.csv:2:35" "a broken image"
echo "not an image" > "$WORK/photos/back.png"
run "$MOAT" "${W[@]}" watch import "$WORK/images.csv" --images "$WORK/photos"
expect_status 1 "a text file named .png"
expect_stderr "is not an image" "a text file named .png"
unchanged "a missing or broken image"
VAULT_BEFORE=$(find "$WORK/ws/vault" -type f | wc -l)

# ---- New listings: a ZIP of photos, a Traditional-character title, a mirrored photo -------------

python3 - "$IMAGES" "$WORK/photos.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.write(sys.argv[1] + "/tb-7001-main.png", "shots/copy.png")
    z.write(sys.argv[1] + "/amz-lamp.png", "shots/lamp.png")
PY
cat > "$WORK/new.csv" <<EOF
Platform,URL,Title,Price,Currency,Seller,Seller Location,Images,Captured At
tmall,https://detail.tmall.com/item.htm?id=5501,極光 智能音箱 360度,129,CNY,極光旗艦店,浙江 義烏,copy.png,2026-11-28T09:00:00+08:00
ebay,https://www.ebay.com/itm/5502,Desk lamp,20,USD,lampstore,"Ningbo, China",lamp.png,2026-11-28
EOF
run "$MOAT" "${W[@]}" watch import "$WORK/new.csv" --images "$WORK/photos.zip" --json
expect_status 0 "import with a ZIP of photos"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the new listings' hits"
import json, sys
report = json.load(open(sys.argv[1]))
assert len(report["added"]) == 2 and report["images"] == 2, report
tmall = [h for h in report["hits"] if h["listing"]["platform"] == "tmall"]
assert tmall, report["hits"]
assert not [h for h in report["hits"] if h["listing"]["platform"] == "ebay"], report["hits"]
PY
TMALL=$(python3 -c 'import json,sys; print([h["id"] for h in json.load(open(sys.argv[1]))["hits"] if h["listing"]["platform"] == "tmall"][0])' "$WORK/stdout")
run "$MOAT" "${W[@]}" watch dismiss "$TMALL" --reason "Our own Tmall flagship store"
expect_status 0 "dismiss"
run "$MOAT" "${W[@]}" watch hits --status dismissed --json
expect_stdout "Our own Tmall flagship store" "the decision's reason"
expect_stdout '"decided_by": "e2e-test"' "the decision's actor"
run "$MOAT" "${W[@]}" watch confirm "$TMALL" --reason ""
expect_status 1 "confirm without a reason"

printf '[{"platform": "jd", "url": "https://item.jd.com/100.html", "title": "AU-360 音箱", "price": 99, "currency": "CNY"}]' > "$WORK/jd.json"
run "$MOAT" "${W[@]}" watch import "$WORK/jd.json" --json
expect_status 0 "import JSON"
expect_stdout '"AU-360' "the model name matched"
run "$MOAT" "${W[@]}" watch listings --json
expect_status 0 "watch listings"
CHECKS=$((CHECKS + 1))
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/stdout")" = "6" ] || fail "6 listings"

# A listing imported again keeps what the new file leaves out: a new title, no price column, no
# seller key; the price and its currency stay. Imported once more, nothing changed: not written.
printf 'platform,url,title\njd,https://item.jd.com/100.html?spm=a1z,AU-360 音箱 新款\n' > "$WORK/again.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/again.csv" --json
expect_status 0 "import a listing again from fewer columns"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r["updated"] and not r["added"], r' "$WORK/stdout" ||
  fail "the JD listing updated, not added"
run "$MOAT" "${W[@]}" watch listings --json
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "what the file left out kept"
import json, sys
jd = [l for l in json.load(open(sys.argv[1])) if l["platform"] == "jd"]
assert len(jd) == 1, jd
assert jd[0]["title"] == "AU-360 音箱 新款" and jd[0]["price"] == 99 and jd[0]["currency"] == "CNY", jd[0]
PY
run "$MOAT" "${W[@]}" watch import "$WORK/again.csv" --json
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r["unchanged"] and not r["updated"], r' "$WORK/stdout" ||
  fail "the same capture again is not written"

# A copy sold by a supplier itself points to it, whatever it held: confirmed, it raises a flag on
# that supplier that says how the listing names it. (confirm_sold CSV URL-PART SUPPLIER TEXT: imports
# the listing, confirms its hit and looks for the flag.)
confirm_sold() {
  run "$MOAT" "${W[@]}" watch import "$1" --json
  expect_status 0 "import the listing $2"
  local hit
  hit=$(python3 -c 'import json,sys; print([h["id"] for h in json.load(open(sys.argv[1]))["hits"] if sys.argv[2] in h["listing"]["url"]][0])' "$WORK/stdout" "$2")
  run "$MOAT" "${W[@]}" watch confirm "$hit" --reason "sold by our supplier $3"
  expect_status 0 "confirm the listing $2"
  run "$MOAT" "${W[@]}" flags --all --json
  CHECKS=$((CHECKS + 1))
  python3 - "$WORK/stdout" "$hit" "$3" "$4" <<'PY' || fail "a flag on $3 for the copy it sells"
import json, sys
flags = json.load(open(sys.argv[1]))
flags = flags["flags"] if isinstance(flags, dict) else flags
hit, supplier, text = sys.argv[2:]
mine = [f for f in flags if f["rule"] == "counterfeit-traced" and f["subject"] == "supplier/" + supplier and hit in f["cause"]]
assert mine and "it sells the copy itself" in mine[0]["summary"] and text in mine[0]["summary"], \
    [f["summary"] for f in flags if f["rule"] == "counterfeit-traced"]
PY
}
# The seller's name is F04's legal name; F05's credit code is in the description, in lower case.
printf 'platform,url,title,seller\n1688,https://detail.1688.com/offer/9904.html,极光 AU-360 音箱 工厂直销,%s\n' \
  "$(sql "$WORK/ws" "SELECT legal_name FROM suppliers WHERE id = 'F04'")" > "$WORK/own.csv"
confirm_sold "$WORK/own.csv" 9904 F04 "legal name"
printf 'platform,url,title,description\n1688,https://detail.1688.com/offer/9905.html,极光 AU-360 音箱,营业执照 统一社会信用代码 %s\n' \
  "$(sql "$WORK/ws" "SELECT uscc FROM suppliers WHERE id = 'F05'" | tr 'A-Z' 'a-z')" > "$WORK/licence.csv"
confirm_sold "$WORK/licence.csv" 9905 F05 "unified social credit code"

# A price in another currency is compared converted, and quoted as the listing shows it.
printf '\n[currency]\nbase = "CNY"\nrates = [ { currency = "USD", rate = 7.12, date = "2026-11-30" } ]\n' >> "$WORK/ws/moat.toml"
printf 'platform,url,title,price,currency\namazon,https://www.amazon.com/dp/B0USD01,AURORAS speaker,10,USD\n' > "$WORK/usd.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/usd.csv" --json
expect_status 0 "import a listing priced in USD"
expect_stdout 'price 10.00 USD (71.20 CNY) is ' "the price as captured, converted beside it"

# ---- Complaints ------------------------------------------------------------------------------------

# One notice per link: the hit the drafted complaint holds is not packaged again, and the
# complaint that holds it is named.
run "$MOAT" "${W[@]}" watch package taobao --hits H1 --out "$WORK/again"
expect_status 1 "package a hit a drafted complaint holds"
expect_stderr "in complaint C1 (drafted)" "the complaint that holds the hit"
FILED=$(date -u +%F)
REMOVED=$FILED
run "$MOAT" "${W[@]}" watch complaint set C1 --status filed --on "$FILED" --reference IPP-77
expect_status 0 "complaint filed"
CHECKS=$((CHECKS + 1))
! grep -q "warning" "$WORK/stderr" || fail "a ready complaint filed: $(cat "$WORK/stderr")"
# Filed while it lacked something (in a copy of the workspace: its hit dismissed first): recorded as
# the platform answered, and what it lacked said.
clone_workspace "$WORK/ws" "$WORK/lacking" || fail "clone"
"$MOAT" -w "$WORK/lacking" watch complaint set C1 --status drafted >/dev/null 2>&1
"$MOAT" -w "$WORK/lacking" watch dismiss H1 --reason "a licensed reseller after all" >/dev/null || fail "dismiss H1"
run "$MOAT" -w "$WORK/lacking" watch complaint set C1 --status filed --on "$FILED"
expect_status 0 "a complaint filed while it lacked something"
expect_stderr "warning: C1 was filed while it lacked: a confirmed hit: H1 is dismissed" "what it lacked is said"
run "$MOAT" "${W[@]}" watch complaint set C1 --status removed --on "$REMOVED"
expect_status 0 "complaint removed"
run "$MOAT" "${W[@]}" watch complaints --json
expect_stdout "\"filed_on\": \"$FILED\"" "filed on"
expect_stdout "\"removed_on\": \"$REMOVED\"" "removed on"
expect_stdout '"platform_reference": "IPP-77"' "the platform's case number"
run "$MOAT" "${W[@]}" watch package taobao --hits H1 --out "$WORK/again"
expect_status 1 "package a hit whose listing was taken down"
expect_stderr "--status relisted" "a removed listing is packaged again once it is back"
run "$MOAT" "${W[@]}" watch complaint set C1 --status filed --on 2000-01-01
expect_status 1 "a date before the complaint was drafted"
run "$MOAT" "${W[@]}" watch complaint set C1 --status relisted --on "$(date -u -d "+16 days" +%F)"
expect_status 1 "a date in the future"
expect_stderr "is in the future" "a date in the future"
run "$MOAT" "${W[@]}" watch complaint set C1 --status closed
expect_status 1 "an unknown complaint status"
expect_stderr "--status" "an unknown complaint status"
run "$MOAT" "${W[@]}" watch complaint set C1 --status withdrawn
expect_status 1 "a removed complaint is not withdrawn"
expect_stderr "only an open complaint" "a removed complaint is not withdrawn"
run "$MOAT" "${W[@]}" watch complaint set C9 --status filed
expect_status 1 "an unknown complaint"
run "$MOAT" "${W[@]}" watch package shopee
expect_status 1 "an unknown platform"
run "$MOAT" "${W[@]}" watch package taobao --hits "H99, H1"
expect_status 1 "an unknown hit among several"
expect_stderr "--hits: no hit 'H99'" "hits listed with a comma, the unknown one named"
# A mark on goods its classes do not cover (a class 9 speaker mark on a vacuum cleaner): still a hit,
# ranked lower and saying why, but no right a complaint can rely on.
printf 'platform,url,title\ntaobao,https://item.taobao.com/item.htm?id=8801,AURORA 奥罗拉 无线吸尘器 家用\n' > "$WORK/vacuum.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/vacuum.csv" --json
expect_status 0 "import a vacuum cleaner under the mark"
VACUUM=$(python3 - "$WORK/stdout" <<'PY'
import json, sys
hit = [h for h in json.load(open(sys.argv[1]))["hits"] if "8801" in h["listing"]["url"]][0]
assert hit["score"] < 0.9 and hit["rights"] == [] and "not the mark's 9" in hit["reasons"][0]["detail"], hit
print(hit["id"])
PY
) || fail "the vacuum cleaner's hit: lower, no right, said why"
run "$MOAT" "${W[@]}" watch confirm "$VACUUM" --reason "the brand on a vacuum cleaner"
run "$MOAT" "${W[@]}" watch package taobao --hits "$VACUUM" --out "$WORK/vacuum"
expect_stdout "not packaged: no right usable" "no complaint under a mark that does not cover the goods"
# A Chinese registration of the same mark for class 7: a vacuum cleaner's hit now rests on it, and
# on it alone, not on the registrations in class 9 beside it.
run "$MOAT" "${W[@]}" ip add --kind trademark --jurisdiction CN --title AURORA --class 7 --filed 2025-03-01 \
  --registered 2026-02-01 --registration-number 77001234 --product aurora --id IP90
expect_status 0 "a class 7 registration of the mark"
printf 'platform,url,title\ntaobao,https://item.taobao.com/item.htm?id=8802,AURORA 奥罗拉 手持吸尘器\n' > "$WORK/vacuum2.csv"
run "$MOAT" "${W[@]}" watch import "$WORK/vacuum2.csv" --json
expect_status 0 "import another vacuum cleaner under the mark"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "the vacuum cleaner's hit rests on the class 7 registration alone"
import json, sys
hit = [h for h in json.load(open(sys.argv[1]))["hits"] if "8802" in h["listing"]["url"]][0]
assert [r["id"] if isinstance(r, dict) else r for r in hit["rights"]] == ["IP90"], hit["rights"]
PY
run "$MOAT" "${W[@]}" watch package taobao --hits ""
expect_status 1 "an empty --hits"
expect_stderr "--hits: names no hit" "an empty --hits is not every hit"
run "$MOAT" "${W[@]}" watch package taobao --hits "H1,H1"
expect_status 1 "a hit named twice"
expect_stderr "names H1 twice" "a hit named twice"

# Listings as a scraping tool's workbook (.xlsx): read as the CSV is, a date cell as its day, a bad
# cell named at its place.
"$SYSTEM_PYTHON" - "$WORK/listings.xlsx" "$WORK/bad-listings.xlsx" <<'PY'
import datetime, sys, openpyxl
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "商品"
sheet.append(["platform", "url", "title", "price", "currency", "captured_at"])
sheet.append(["JD", "https://item.jd.com/10077.html", "极光音箱 AU-360", 120.5, "CNY", datetime.date(2026, 12, 1)])
book.save(sys.argv[1])
sheet.append(["jd", "https://item.jd.com/10078.html", "极光音箱", "cheap", "CNY", None])
book.save(sys.argv[2])
PY
run "$MOAT" "${W[@]}" watch import "$WORK/listings.xlsx" --json
expect_status 0 "listings from a workbook"
CHECKS=$((CHECKS + 1))
python3 - "$WORK/stdout" <<'PY' || fail "a workbook's listing: not read as the CSV would be"
import json, sys
o = json.load(open(sys.argv[1]))
assert len(o["added"]) == 1 and o["hits"], o
hit = o["hits"][0]
assert hit["listing"]["platform"] == "jd" and hit["listing"]["captured_at"] == "2026-12-01", hit["listing"]
PY
run "$MOAT" "${W[@]}" watch import "$WORK/bad-listings.xlsx"
expect_status 1 "a workbook's bad cell"
expect_stderr "bad-listings.xlsx:'商品'!D3: price must be a number" "the bad cell's place"

# Every capture is in the ledger, and the ledger still verifies.
run "$MOAT" "${W[@]}" audit verify
expect_status 0 "audit verify"
CHECKS=$((CHECKS + 1))
[ "$(sql "$WORK/ws" "SELECT COUNT(*) FROM \"ledger\" WHERE \"action\" = 'capture'")" -ge 5 ] || fail "a capture event per listing"
CHECKS=$((CHECKS + 1))
[ "$(sql "$WORK/ws" 'SELECT COUNT(*) FROM "listing_images"')" -eq 6 ] || fail "6 photos captured"
CHECKS=$((CHECKS + 1))
# The same photo twice is one file in the vault (content-addressed): nothing new was added for them.
[ "$(find "$WORK/ws/vault" -type f | wc -l)" -eq "$VAULT_BEFORE" ] || fail "photos already in the vault stored again"

finish
