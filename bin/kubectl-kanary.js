#!/usr/bin/env node
// kubectl finds this file on PATH as the plugin `kubectl kanary`; it is the same CLI.
import './kanary.js';
