#!/usr/bin/env node
import { buildApp } from '../lib/app.js';

// The CLI (cdk.json "app") runs this file; the App synthesizes itself when the process is about to exit.
buildApp();
