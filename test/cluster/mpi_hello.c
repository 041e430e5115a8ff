#include <mpi.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int rank, size, len, sum = 0, one;
  char host[256], lib[MPI_MAX_LIBRARY_VERSION_STRING];
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  gethostname(host, sizeof host);
  one = 1;
  MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Get_library_version(lib, &len);
  printf("mpi-hello rank %d of %d on %s sum=%d\n", rank, size, host, sum);
  if (rank == 0) { char *nl = lib; while (*nl && *nl != '\n') nl++; *nl = 0; printf("mpi-hello library: %s\n", lib); }
  MPI_Finalize();
  return sum == size ? 0 : 1;
}
