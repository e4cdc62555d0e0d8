#include "api/http/console_files.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include "ledger/base/hash.h"

namespace api {
namespace {

namespace fs = std::filesystem;
using ledger::Status;

Status NoSuchFile(std::string_view path) {
  return Status::NotFound("the console has no file '" + std::string(path) + "'");
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Checks one segment of a console path.
bool IsFileSegment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.' || segment == "node_modules") return false;
  for (char c : segment) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string_view ConsoleContentType(std::string_view path) {
  std::string_view name =
      path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  if (name == "LICENSE" || name.starts_with("LICENSE.")) return "text/plain; charset=utf-8";
  struct Type {
    std::string_view extension, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},        {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},   {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml; charset=utf-8"},     {".png", "image/png"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& t : kTypes)
    if (EndsWith(name, t.extension)) return t.type;
  return "application/octet-stream";
}

bool IsConsolePath(std::string_view path) {
  if (path == "package.json" || path == "package-lock.json") return false;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!IsFileSegment(segment)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

EmbeddedConsole::EmbeddedConsole() {
  for (const EmbeddedFile& f : EmbeddedConsoleFiles())
    if (IsConsolePath(f.path)) files_.emplace(f.path, &f);
}

ledger::Result<ConsoleFile> EmbeddedConsole::Find(std::string_view path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return NoSuchFile(path);
  const EmbeddedFile& f = *it->second;
  ConsoleFile out;
  out.content_type = std::string(ConsoleContentType(path));
  out.sha256 = f.sha256;
  out.body.assign(reinterpret_cast<const char*>(f.bytes), f.size);
  if (f.gzip != nullptr) out.gzip.assign(reinterpret_cast<const char*>(f.gzip), f.gzip_size);
  return out;
}

ledger::Result<std::unique_ptr<DirectoryConsole>> DirectoryConsole::Open(
    const std::string& directory) {
  std::error_code ec;
  fs::path root = fs::canonical(directory, ec);
  if (ec || !fs::is_directory(root, ec))
    return Status::InvalidArgument("the console directory '" + directory + "' is not a directory");
  return std::unique_ptr<DirectoryConsole>(new DirectoryConsole(std::move(root)));
}

ledger::Result<ConsoleFile> DirectoryConsole::Find(std::string_view path) const {
  if (!IsConsolePath(path)) return NoSuchFile(path);
  // The real path, every symbolic link resolved, must still lie inside the root.
  std::error_code ec;
  fs::path real = fs::canonical(root_ / fs::path(std::string(path)), ec);
  if (ec) return NoSuchFile(path);
  fs::path inside = real.lexically_relative(root_);
  if (inside.empty() || *inside.begin() == "..") return NoSuchFile(path);
  if (!fs::is_regular_file(real, ec) || fs::file_size(real, ec) > kMaxFileBytes || ec)
    return NoSuchFile(path);
  std::ifstream in(real, std::ios::binary);
  if (!in) return NoSuchFile(path);
  ConsoleFile out;
  out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return NoSuchFile(path);
  out.content_type = std::string(ConsoleContentType(path));
  out.sha256 = ledger::ToHex(ledger::Sha256(out.body));
  return out;  // no gzip copy: development serves what is on disk as it is
}

}  // namespace api
