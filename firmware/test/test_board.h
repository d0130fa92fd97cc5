/* The board the node tests run on: the original Tokkatot pins (active-low relays) plus a dimmer. */
#ifndef TOKKATOT_TEST_BOARD_H
#define TOKKATOT_TEST_BOARD_H

#include "tokkatot/board.h"

#define PIN_FEEDER 27
#define PIN_CONVEYOR 25
#define PIN_FAN 26
#define PIN_HEATER 14
#define PIN_LIGHT 33
#define PIN_DHT 32
#define PIN_HUMIDITY 31
#define PIN_WATER 35

enum { CH_FEEDER = 0, CH_CONVEYOR = 1, CH_FAN = 2, CH_HEATER = 3, CH_LIGHT = 4 };
enum { CH_TEMPERATURE = 0, CH_HUMIDITY = 1, CH_WATER = 2 };

static const tk_board_t test_board = {
    "coop-1-main",
    "1.0.0",
    2,
    false,
    5,
    {{CH_FEEDER, TK_OUTPUT_FEEDER, false, true, PIN_FEEDER},
     {CH_CONVEYOR, TK_OUTPUT_CONVEYOR, false, true, PIN_CONVEYOR},
     {CH_FAN, TK_OUTPUT_FAN, false, true, PIN_FAN},
     {CH_HEATER, TK_OUTPUT_HEATER, false, true, PIN_HEATER},
     {CH_LIGHT, TK_OUTPUT_LIGHT, true, false, PIN_LIGHT}},
    3,
    {{CH_TEMPERATURE, TK_SENSOR_TEMPERATURE, PIN_DHT},
     {CH_HUMIDITY, TK_SENSOR_HUMIDITY, PIN_HUMIDITY},
     {CH_WATER, TK_SENSOR_WATER_LEVEL, PIN_WATER}}};

#endif
