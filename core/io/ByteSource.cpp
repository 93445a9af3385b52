#include "core/io/ByteSource.h"

#include "core/io/StackError.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mollichrom::io {

namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileSource() override { ::close(fd_); }
  std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const override {
    std::size_t done = 0;
    auto* out = static_cast<char*>(dst);
    while (done < n) {
      const ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      done += static_cast<std::size_t>(r);
    }
    return done;
  }
  std::uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  void willNeedAll() const override { ::posix_fadvise(fd_, 0, 0, POSIX_FADV_WILLNEED); }

 private:
  int fd_;
  std::uint64_t size_;
  std::string name_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::vector<std::uint8_t> bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const override {
    if (offset >= bytes_.size()) return 0;
    const std::size_t k = std::min<std::uint64_t>(n, bytes_.size() - offset);
    std::memcpy(dst, bytes_.data() + offset, k);
    return k;
  }
  std::uint64_t size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteSource> openFileSource(const std::string& path) {
  // Non-blocking open: a named pipe would otherwise wait for a writer forever; the flag is
  // cleared once the file is known to be a regular one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) throw StackError(path, "no such file");
    if (e == EACCES) throw StackError(path, "permission denied (cannot read the file)");
    throw StackError(path, std::string("cannot open: ") + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    const char* what = S_ISFIFO(st.st_mode)                         ? "a named pipe (FIFO)"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                    : "not a regular file";
    throw StackError(path, std::string(what) + ", not an image file: give the stack's file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  // Tell the kernel we stream through the file: larger read-ahead for big stacks.
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<FileSource>(fd, static_cast<std::uint64_t>(st.st_size), path);
}

std::unique_ptr<ByteSource> memorySource(std::vector<std::uint8_t> bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

}  // namespace mollichrom::io
