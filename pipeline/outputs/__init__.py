"""The writing edge of a build: a case's output folder and its manifest, written all or nothing."""
