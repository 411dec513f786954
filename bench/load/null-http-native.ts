import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedReply } from '../baselines/reply.ts';
import type { Baseline } from '../baselines/reply.ts';

/**
 * The HTTP null responder in C (one epoll thread, canned bytes), compiled with the system's `cc` when the bench runs.
 * On this 2-core VM a read + write through node's `net` streams costs ~13 µs of CPU a request, about half of what
 * bare node `http` costs (~27 µs), so a node null responder took half the CPU a ceiling needs and the ceiling came
 * out at 1.7–2.1× bare whatever wrk did; in C the same exchange is ~8 µs (the syscalls). It answers exactly what the
 * node one answers: one canned 200 per request, framed by the request's Content-Length, nothing else parsed.
 * A write that does not go out whole closes the connection, which wrk counts as an error: never silently dropped.
 */
const source = String.raw`
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536
struct conn { int fd; size_t len; char buf[BUF]; };
static char out[BUF];

static long content_length(const char *h, size_t end) {
  for (size_t i = 0; i + 16 <= end; i++)
    if (h[i] == '\n' && strncasecmp(h + i + 1, "content-length:", 15) == 0) return strtol(h + i + 16, NULL, 10);
  return 0;
}

static void drop(struct conn *c) { close(c->fd); free(c); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *reply = argv[1];
  size_t reply_len = strlen(reply);
  int one = 1;
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("%d\n", ntohs(a.sin_port));
  fflush(stdout);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  /* stdin is the parent's pipe: readable (EOF) once the parent closes it or dies, then exit. */
  ev.data.ptr = (void *)1;
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == NULL) {
        int fd;
        while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          struct conn *c = malloc(sizeof *c);
          if (!c) { close(fd); continue; }
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          c->fd = fd;
          c->len = 0;
          struct epoll_event ce = { .events = EPOLLIN, .data.ptr = c };
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
        }
        continue;
      }
      if (evs[i].data.ptr == (void *)1) return 0;
      struct conn *c = evs[i].data.ptr;
      ssize_t r = read(c->fd, c->buf + c->len, BUF - c->len);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) { drop(c); continue; }
      c->len += r;
      size_t start = 0, olen = 0;
      for (;;) {
        char *e = memmem(c->buf + start, c->len - start, "\r\n\r\n", 4);
        if (!e) break;
        size_t end = e - c->buf;
        size_t whole = end + 4 + content_length(c->buf + start, end - start);
        if (whole > c->len || olen + reply_len > BUF) break;
        start = whole;
        memcpy(out + olen, reply, reply_len);
        olen += reply_len;
      }
      memmove(c->buf, c->buf + start, c->len - start);
      c->len -= start;
      if (c->len == BUF) { drop(c); continue; }
      if (olen && write(c->fd, out, olen) != (ssize_t)olen) drop(c);
    }
  }
}
`;

/** The same bytes the node null responder writes (null-responders.ts). */
export const nullHttpResponse = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(fixedReply)}\r\n\r\n${fixedReply}`;

/** Compiles and starts the C null responder; null when there is no C compiler (or not Linux), so the caller falls back. */
export async function startNativeNullHttp(): Promise<Baseline | null> {
  if (process.platform !== 'linux') return null;
  const dir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-null-http-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  writeFileSync(join(dir, 'null-http.c'), source);
  const binary = join(dir, 'null-http');
  const built = spawnSync('cc', ['-O2', '-o', binary, join(dir, 'null-http.c')], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    cleanup();
    return null;
  }
  const child = spawn(binary, [nullHttpResponse], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the C null responder exited with ${code}`)));
  }).catch((error: unknown) => {
    cleanup();
    throw error;
  });
  return {
    port,
    name: 'C null responder',
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          cleanup();
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.stdin.end();
      }),
  };
}
