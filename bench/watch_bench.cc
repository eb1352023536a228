// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch's engine on a generated corpus (bench/watch_corpus.h): recall on the
// listings that copy the product, precision of the hits and the share of unrelated listings left
// alone, and throughput on one core (images fingerprinted per second: decoding included;
// listings matched per second: text, images and price against the product).
//
//   watch_bench [--seed 1] [--copies 400] [--unrelated 400] [--check] [--show 10]
//       --check: exit 1 unless recall and precision reach 95% (the CTest run).
//       --show N: print up to N misses and false hits with their variation.
//       --dump DIR: write the reference pictures and those of the listings shown into DIR.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "watch_corpus.h"

namespace {

using namespace moat;

constexpr double kTarget = 0.95;

// Seconds of CPU time this thread has run: the machine may be shared.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  std::uint32_t seed = 1;
  int copies = 400;
  int unrelated = 400;
  int show = 10;
  bool check = false;
  std::string dump;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "watch_bench: %s needs a value\n", flag.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (flag == "--seed")
      o.seed = static_cast<std::uint32_t>(std::strtoul(next(), nullptr, 10));
    else if (flag == "--copies")
      o.copies = std::atoi(next());
    else if (flag == "--unrelated")
      o.unrelated = std::atoi(next());
    else if (flag == "--show")
      o.show = std::atoi(next());
    else if (flag == "--check")
      o.check = true;
    else if (flag == "--dump")
      o.dump = next();
    else {
      std::fprintf(stderr, "watch_bench: unknown flag %s\n", flag.c_str());
      std::exit(1);
    }
  }
  return o;
}

watch::Fingerprint must_print(const std::string& bytes) {
  Result<watch::Fingerprint> f = watch::fingerprint(bytes);
  if (!f.ok()) {
    std::fprintf(stderr, "watch_bench: a generated image did not decode: %s\n",
                 f.error().to_string().c_str());
    std::exit(2);
  }
  return std::move(f).value();
}

void dump(const std::string& dir, const std::string& name, const std::string& bytes) {
  if (dir.empty()) return;
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

struct Tally {
  int copies = 0, found = 0, unrelated = 0, flagged = 0;
  std::map<std::string, std::pair<int, int>> by_variation;  // found, total
};

// Listings are tallied by the kind of their image disguise, or of their text's when they have none.
std::string tally_key(const std::string& variation) {
  const std::size_t image = variation.find("image ");
  return image == std::string::npos ? variation : variation.substr(image);
}

double best_similarity(const watch::Fingerprint& image, const watch::Product& product) {
  double best = 0;
  for (const watch::ImageReference& r : product.images)
    best = std::max(best, watch::similarity(image, r.fingerprint));
  return best;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

// The similarity of each disguised product picture to the closest reference picture, and of each
// unrelated picture: the figures the image threshold is chosen between.
void print_similarities(const bench::Corpus& corpus, const watch::Product& product) {
  std::vector<double> copies, others;
  for (const bench::CorpusListing& l : corpus.listings) {
    for (std::size_t i = 0; i < l.listing.images.size(); ++i) {
      const double s = best_similarity(l.listing.images[i], product);
      (static_cast<int>(i) == l.copied_image ? copies : others).push_back(s);
    }
  }
  std::printf("image similarity, disguised copies: min %.3f, 1%% %.3f, 5%% %.3f, median %.3f (%zu)\n",
              quantile(copies, 0), quantile(copies, 0.01), quantile(copies, 0.05), quantile(copies, 0.5),
              copies.size());
  std::printf("image similarity, unrelated:        max %.3f, 99%% %.3f, 95%% %.3f, median %.3f (%zu)\n",
              quantile(others, 1), quantile(others, 0.99), quantile(others, 0.95), quantile(others, 0.5),
              others.size());
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  bench::Corpus corpus = bench::generate_corpus(options.seed, options.copies, options.unrelated);
  std::vector<watch::Product> products;
  for (bench::CorpusProduct& p : corpus.products) {
    for (std::size_t i = 0; i < p.image_bytes.size(); ++i)
      p.product.images[i].fingerprint = must_print(p.image_bytes[i]);
    for (std::size_t i = 0; i < p.image_bytes.size(); ++i)
      dump(options.dump, p.product.images[i].id, p.image_bytes[i]);
    products.push_back(p.product);
  }
  if (!watch::text_ready().ok()) {
    std::fprintf(stderr, "watch_bench: %s\n", watch::text_ready().error().to_string().c_str());
    return 2;
  }
  watch::normalise("warm-up 極光 ＡＵＲＯＲＡ");
  watch::pinyin("极光");

  std::size_t images = 0;
  const double print_start = thread_seconds();
  for (bench::CorpusListing& l : corpus.listings) {
    for (const std::string& bytes : l.image_bytes) l.listing.images.push_back(must_print(bytes));
    images += l.image_bytes.size();
  }
  const double print_seconds = thread_seconds() - print_start;

  Tally tally;
  int shown = 0;
  const double match_start = thread_seconds();
  std::vector<std::vector<watch::Hit>> results;
  results.reserve(corpus.listings.size());
  for (const bench::CorpusListing& l : corpus.listings) results.push_back(watch::match(l.listing, products));
  const double match_seconds = thread_seconds() - match_start;

  for (std::size_t i = 0; i < corpus.listings.size(); ++i) {
    const bench::CorpusListing& l = corpus.listings[i];
    const std::vector<watch::Hit>& hits = results[i];
    const bool hit =
        std::any_of(hits.begin(), hits.end(), [&](const watch::Hit& h) { return h.product == l.copies; });
    if (!l.copies.empty()) {
      ++tally.copies;
      tally.found += hit ? 1 : 0;
      auto& v = tally.by_variation[tally_key(l.variation)];
      v.first += hit ? 1 : 0;
      ++v.second;
    } else {
      ++tally.unrelated;
      tally.flagged += hits.empty() ? 0 : 1;
    }
    const bool wrong = l.copies.empty() ? !hits.empty() : !hit;
    if (wrong && shown < options.show) {
      ++shown;
      std::printf("%s %s: '%s' (%s%s%s)\n", l.copies.empty() ? "false hit" : "miss", l.listing.id.c_str(),
                  l.listing.title.c_str(), l.variation.c_str(), l.detail.empty() ? "" : ": ",
                  l.detail.c_str());
      for (std::size_t k = 0; k < l.image_bytes.size(); ++k)
        dump(options.dump, l.listing.id + "-" + std::to_string(k + 1), l.image_bytes[k]);
      for (const watch::Hit& h : hits) {
        for (const watch::Reason& r : h.reasons)
          std::printf("    %s %.2f %s\n", std::string(watch::reason_name(r.kind)).c_str(), r.score,
                      r.detail.c_str());
      }
    }
  }
  print_similarities(corpus, products.front());
  const double recall = tally.copies == 0 ? 1.0 : static_cast<double>(tally.found) / tally.copies;
  const int hits = tally.found + tally.flagged;
  const double precision = hits == 0 ? 1.0 : static_cast<double>(tally.found) / hits;
  const double left_alone =
      tally.unrelated == 0 ? 1.0 : 1.0 - static_cast<double>(tally.flagged) / tally.unrelated;
  std::printf("corpus: seed %u, %d copies, %d unrelated listings, %zu listing images, %zu reference images\n",
              options.seed, tally.copies, tally.unrelated, images,
              corpus.products.front().image_bytes.size());
  for (const auto& [variation, counts] : tally.by_variation) {
    std::printf("  recall %-40s %4d / %4d\n", variation.c_str(), counts.first, counts.second);
  }
  std::printf("recall on copies:            %.1f%% (%d / %d)\n", 100 * recall, tally.found, tally.copies);
  std::printf("precision of hits:           %.1f%% (%d false hits)\n", 100 * precision, tally.flagged);
  std::printf("unrelated listings left alone: %.1f%% (%d / %d)\n", 100 * left_alone,
              tally.unrelated - tally.flagged, tally.unrelated);
  std::printf("images fingerprinted:        %.0f /s (decoding included, %.2f s CPU)\n",
              static_cast<double>(images) / print_seconds, print_seconds);
  std::printf("listings matched:            %.0f /s (%.2f s CPU)\n",
              static_cast<double>(corpus.listings.size()) / match_seconds, match_seconds);
  if (options.check && (recall < kTarget || precision < kTarget || left_alone < kTarget)) {
    std::printf("below the 95%% target\n");
    return 1;
  }
  return 0;
}
