/*
 * The edge's side of the link in the firmware-update tests (push and pull): the node under test,
 * messages delivered to it as wire frames, its last update status, and a boot with the test
 * board's two outputs configured.
 */
#ifndef TOKKATOT_UPDATE_HARNESS_H
#define TOKKATOT_UPDATE_HARNESS_H

#include <stdint.h>

#include "tokkatot/node.h"

extern tk_node_t node;

/* Resets the message sequence and sets the boot id the node starts with; call from each test's setup. */
void harness_reset(uint32_t boot_id);

/* Encodes m as the edge would (next sequence number) and feeds the bytes to the node. */
void deliver(tk_msg_t *m, uint32_t now);

/* The last update status the node sent; fails the test when there is none. */
const tk_update_status_t *last_status(void);

/* Starts the node; a node without a stored configuration gets the fan (fail-safe on) and heater. */
void boot(uint32_t now);

#endif
