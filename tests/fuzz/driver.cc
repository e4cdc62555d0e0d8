// A main() for a fuzz target (LLVMFuzzerTestOneInput) where libFuzzer is not used: the normal
// suite's build (GCC, tools/test.sh, and its ASan/UBSan form). It runs every file of the seed
// corpus, then a bounded number of deterministic mutations of them (bit flips, byte changes,
// truncations, deletions, duplications, splices of two seeds, dictionary words inserted or
// written over), so each target gets a short, repeatable fuzz run in every test run.
//
//   <target> CORPUS_DIR [--dict FILE] [--runs N] [--seed S] [--max-len BYTES]
//   <target> FILE...      replays the files (e.g. a crash artifact) and nothing else
//
// A target that crashes kills the process (a failed test); before dying, the input is written to
// `<target>.crash` in the working directory and the seed it came from is named on stderr.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define LEDGER_DRIVER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEDGER_DRIVER_ASAN 1
#endif
#endif
#ifdef LEDGER_DRIVER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The input being run and where it came from, for the crash handlers (set before each run, only
// read there: async-signal-safe).
const std::string* g_current = nullptr;
char g_origin[4096];
char g_crash_path[4096];

void SaveCurrent() {
  if (g_current == nullptr) return;
  int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  size_t done = 0;
  while (done < g_current->size()) {
    ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
    if (n <= 0) break;
    done += size_t(n);
  }
  ::close(fd);
  static const char kFrom[] = "fuzz driver: the crashing input, ";
  static const char kIn[] = ", is in ";
  (void)!::write(2, kFrom, sizeof kFrom - 1);
  (void)!::write(2, g_origin, std::strlen(g_origin));
  (void)!::write(2, kIn, sizeof kIn - 1);
  (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
  (void)!::write(2, "\n", 1);
}

void OnSignal(int sig) {
  SaveCurrent();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void InstallCrashHandlers(const char* argv0) {
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s.crash",
                fs::path(argv0).filename().string().c_str());
#ifdef LEDGER_DRIVER_ASAN
  // ASan reports faults itself (and UBSan its findings), then calls this.
  __sanitizer_set_death_callback(SaveCurrent);
  for (int sig : {SIGABRT, SIGILL, SIGTRAP}) ::signal(sig, OnSignal);
#else
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) ::signal(sig, OnSignal);
#endif
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// libFuzzer's dictionary format: one "quoted" word a line (\\, \" and \xNN escapes), an optional
// name= before it, # comments.
std::vector<std::string> ReadDictionary(const fs::path& path) {
  std::vector<std::string> words;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    size_t open = line.find('"');
    size_t close = line.rfind('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) continue;
    std::string word;
    for (size_t i = open + 1; i < close; ++i) {
      if (line[i] != '\\' || i + 1 >= close) {
        word += line[i];
      } else if (line[i + 1] == 'x' && i + 3 < close) {
        word += char(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else {
        word += line[++i];
      }
    }
    words.push_back(word);
  }
  return words;
}

class Mutator {
 public:
  Mutator(const std::vector<std::string>& seeds, const std::vector<std::string>& dict,
          uint64_t seed, size_t max_len)
      : seeds_(seeds), dict_(dict), rng_(seed), max_len_(max_len) {}

  // A mutation of seed `from`: one to four changes in a row.
  std::string Next(size_t from) {
    std::string s = seeds_[from];
    for (int n = 1 + int(Below(4)); n > 0; --n) MutateOnce(s);
    if (s.size() > max_len_) s.resize(max_len_);
    return s;
  }

 private:
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  void MutateOnce(std::string& s) {
    static const uint8_t kInteresting[] = {0,   1,   0x7f, 0x80, 0xff, '"',  '{', '}',
                                           '[', ']', ',',  ':',  '\\', '\n', '-', '9'};
    const size_t at = Below(s.size() + 1);
    switch (Below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[at % s.size()] ^= char(1u << Below(8));
        break;
      case 1:  // an interesting byte
        if (!s.empty()) s[at % s.size()] = char(kInteresting[Below(sizeof kInteresting)]);
        break;
      case 2:  // a random byte
        if (!s.empty()) s[at % s.size()] = char(Below(256));
        break;
      case 3:  // truncate
        s.resize(at);
        break;
      case 4:  // delete a range
        s.erase(at, 1 + Below(16));
        break;
      case 5:  // duplicate a range
        if (!s.empty()) {
          size_t from = Below(s.size());
          s.insert(at, s.substr(from, 1 + Below(32)));
        }
        break;
      case 6: {  // splice: this seed's head and another's tail
        const std::string& other = seeds_[Below(seeds_.size())];
        s = s.substr(0, at) + other.substr(std::min(other.size(), size_t(Below(other.size() + 1))));
        break;
      }
      case 7:  // insert a dictionary word
        if (!dict_.empty()) s.insert(at, dict_[Below(dict_.size())]);
        break;
      default:  // write a dictionary word over the bytes there
        if (!dict_.empty()) {
          const std::string& w = dict_[Below(dict_.size())];
          s.replace(at, std::min(w.size(), s.size() - at), w);
        }
        break;
    }
  }

  const std::vector<std::string>& seeds_;
  const std::vector<std::string>& dict_;
  std::mt19937_64 rng_;
  size_t max_len_;
};

void Run(const std::string& input, const std::string& origin) {
  std::snprintf(g_origin, sizeof g_origin, "%s", origin.c_str());
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s CORPUS_DIR [--dict FILE] [--runs N] [--seed S] [--max-len BYTES]\n"
               "       %s FILE...\n",
               argv0, argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(argv[0]);
  InstallCrashHandlers(argv[0]);
  if (!fs::is_directory(argv[1])) {  // replay files
    for (int i = 1; i < argc; ++i) {
      if (!fs::is_regular_file(argv[i])) return Usage(argv[0]);
      std::fprintf(stderr, "fuzz driver: running %s\n", argv[i]);
      Run(ReadFile(argv[i]), argv[i]);
    }
    return 0;
  }
  fs::path corpus = argv[1];
  fs::path dict_path;
  uint64_t runs = 2000, seed = 1;
  size_t max_len = 64 * 1024;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(argv[0]);
    const char* value = argv[++i];
    if (flag == "--dict")
      dict_path = value;
    else if (flag == "--runs")
      runs = std::strtoull(value, nullptr, 10);
    else if (flag == "--seed")
      seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--max-len")
      max_len = std::strtoull(value, nullptr, 10);
    else
      return Usage(argv[0]);
  }

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz driver: no seed in %s\n", corpus.c_str());
    return 1;
  }
  std::vector<std::string> seeds;
  for (const fs::path& f : files) seeds.push_back(ReadFile(f));
  std::vector<std::string> dict;
  if (!dict_path.empty()) {
    dict = ReadDictionary(dict_path);
    if (dict.empty()) {
      std::fprintf(stderr, "fuzz driver: no word in dictionary %s\n", dict_path.c_str());
      return 1;
    }
  }

  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < seeds.size(); ++i) Run(seeds[i], "seed " + files[i].string());
  Mutator mutator(seeds, dict, seed, max_len);
  for (uint64_t n = 0; n < runs; ++n) {
    const size_t from = n % seeds.size();
    Run(mutator.Next(from),
        "mutation " + std::to_string(n) + " of seed " + files[from].filename().string());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "fuzz driver: %zu seeds, %llu mutations of them (seed %llu, %zu dictionary words) "
      "in %.1f s: no crash\n",
      seeds.size(), (unsigned long long)runs, (unsigned long long)seed, dict.size(), seconds);
  return 0;
}
