// SPDX-License-Identifier: Apache-2.0
// The demo's counterfeit watch: a month after launch a copy of the speaker appears on Taobao,
// sold from Dongguan with photos of the enclosure, and a look-alike is offered wholesale on 1688.
// The listings (examples/aurora/watch, compiled in) are imported with their photos, matched
// against Aurora's marks and product photo, the Taobao copy is confirmed — which points back to
// the suppliers in Dongguan that held its enclosure — and a complaint package for Alibaba's IP
// protection platform is written with the registration certificate and business licence.
#include "app/demo.h"

#include <fstream>
#include <string>

#include "app/embedded.h"
#include "app/watch.h"
#include "app/watch_complaints.h"

namespace moat::app {
namespace {

constexpr std::string_view kListings = "listings.csv";
constexpr std::string_view kReference = "aurora-front.png";

// A stand-in for a scanned document: the demo has no real certificate to file.
std::string stand_in(std::string_view what) {
  return "%PDF-1.4\n% " + std::string(what) + " (demo stand-in: file the real document)\n%%EOF\n";
}

Status add_documents(Workspace& workspace, const Session& session, const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  const std::pair<std::string, std::string> documents[] = {
      {"certificate-IP07.pdf", "商标注册证 第81234567号 AURORA 第9类"},
      {"business-licence.pdf", "Certificate of incorporation, Aurora Audio Inc."}};
  for (const auto& [name, what] : documents) {
    const std::filesystem::path path = dir / name;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << stand_in(what);
    file.close();
    if (!file) return Error(ErrorCode::kInternal, path.string(), "cannot write this file");
  }
  MOAT_TRY(const EnforcementDocument certificate,
           add_enforcement_document(workspace, session,
                                    {"certificate", dir / "certificate-IP07.pdf", "IP07", "zh", {}, ""}));
  MOAT_TRY(const EnforcementDocument licence,
           add_enforcement_document(workspace, session,
                                    {"business-licence", dir / "business-licence.pdf", "", "en", {}, ""}));
  (void)certificate;
  (void)licence;
  std::filesystem::remove_all(dir, error);
  return {};
}

}  // namespace

Result<DemoWatch> add_watch_demo(Workspace& workspace, const Session& session, Date today,
                                 const std::function<std::string(std::string_view)>& shift) {
  DemoWatch out;
  ReferenceInput reference{"aurora", {}, {}, {"AU-360"}, {"极光音箱"}, "", {"S01"}};
  ListingImport import;
  for (const EmbeddedFile& file : examples::aurora_watch::embedded_files()) {
    if (file.name == kListings) {
      import.files.push_back({"examples/aurora/watch/listings.csv", shift(file.content)});
    } else if (file.name == kReference) {
      reference.image_files.emplace_back(std::string(file.name), std::string(file.content));
    } else if (file.name.ends_with(".png")) {
      import.image_files.emplace(std::string(file.name), std::string(file.content));
    }
  }
  MOAT_TRY(const std::vector<ReferenceView> references, add_references(workspace, session, reference));
  (void)references;
  MOAT_TRY(out.imported, import_listings(workspace, session, std::move(import)));
  MOAT_TRY(const std::vector<HitView> hits, list_hits(workspace, "new", today));
  for (const HitView& hit : hits) {
    if (hit.listing.platform != "taobao") continue;
    MOAT_TRY(
        out.confirmed,
        decide_hit(
            workspace, session, hit.id, "confirmed",
            "Test buy: the unit is a copy — the enclosure matches our mold, the mark is AUR0RA with a zero",
            today));
    break;
  }
  MOAT_CHECK(add_documents(workspace, session, workspace.dir() / ".demo-documents"));
  MOAT_TRY(out.packages,
           write_packages(workspace, session, {"taobao", {}, workspace.dir() / "takedown", ""}, today));
  return out;
}

}  // namespace moat::app
