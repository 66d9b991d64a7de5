// The examples' test broker when the kafkatrace CLI is not built (KAFKATRACE_BUILD_TOOLS=OFF):
// an EmbeddedBroker whose bootstrap address is the first line of stdout, serving until SIGINT or
// SIGTERM — the contract of `kafkatrace broker`, which run_example.py uses otherwise.
#include <pthread.h>

#include <csignal>
#include <cstdio>

#include "kafkatrace/kafka/broker.h"

int main() {
  // Blocked before the cluster's threads exist, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto started = kafkatrace::kafka::EmbeddedBroker::start();
  if (!started) {
    std::fprintf(stderr, "example_broker: cannot start: %s\n", started.error.c_str());
    return 1;
  }
  std::printf("%s\n", started.broker->bootstrap_servers().c_str());
  std::fflush(stdout);
  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) != 0) {
  }
  return 0;
}
