/* A pseudo-terminal standing in for the ESP32's USB serial port. */
#ifndef TOKKATOT_SIM_PTY_H
#define TOKKATOT_SIM_PTY_H

#include <stddef.h>

typedef struct {
  int master;     /* the simulator's end, non-blocking */
  int slave_keep; /* held open by us: without it the master reads EIO while nobody has the port */
  char path[128]; /* the slave device the edge opens, e.g. /dev/pts/4 */
} sim_pty_t;

/** Opens a pty pair, raw mode; returns 0 or -1 with errno set. */
int sim_pty_open(sim_pty_t *pty);

/** Points link at the slave device (replacing an older link); returns 0 or -1. */
int sim_pty_link(const sim_pty_t *pty, const char *link);

void sim_pty_close(sim_pty_t *pty);

#endif
