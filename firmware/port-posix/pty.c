#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int sim_pty_open(sim_pty_t *pty) {
  struct termios tio;
  const char *name;
  pty->master = posix_openpt(O_RDWR | O_NOCTTY);
  if (pty->master < 0) return -1;
  if (grantpt(pty->master) != 0 || unlockpt(pty->master) != 0) return -1;
  name = ptsname(pty->master);
  if (name == NULL) return -1;
  snprintf(pty->path, sizeof pty->path, "%s", name);
  pty->slave_keep = open(pty->path, O_RDWR | O_NOCTTY);
  if (pty->slave_keep < 0) return -1;
  /* Raw: no echo, no line discipline, no CR/LF translation; 8-bit clean for binary frames. */
  if (tcgetattr(pty->slave_keep, &tio) != 0) return -1;
  cfmakeraw(&tio);
  cfsetispeed(&tio, B115200);
  cfsetospeed(&tio, B115200);
  if (tcsetattr(pty->slave_keep, TCSANOW, &tio) != 0) return -1;
  /* A UART with nobody listening loses bytes instead of blocking the firmware. */
  if (fcntl(pty->master, F_SETFL, fcntl(pty->master, F_GETFL) | O_NONBLOCK) != 0) return -1;
  return 0;
}

int sim_pty_link(const sim_pty_t *pty, const char *link) {
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", link, (long)getpid());
  unlink(tmp);
  if (symlink(pty->path, tmp) != 0) return -1;
  /* rename() swaps the link atomically: an edge retrying the path never sees it missing. */
  if (rename(tmp, link) != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
  }
  return 0;
}

void sim_pty_close(sim_pty_t *pty) {
  if (pty->slave_keep >= 0) close(pty->slave_keep);
  if (pty->master >= 0) close(pty->master);
  pty->slave_keep = -1;
  pty->master = -1;
}
