package main

import (
	"os"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// The binaries the scripts run are built once for the package, and
// removed after its tests.
func TestMain(m *testing.M) { os.Exit(clitest.Main(m)) }
