// OpenMPI (Debian libopenmpi-dev, pkg-config ompi-c). Its handles (MPI_COMM_WORLD, MPI_DOUBLE,
// MPI_SUM, …) are macros with casts that Swift does not import, so they are exposed here as
// static inline functions; nothing else is wrapped.
#include <mpi.h>

static inline MPI_Comm symmd_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype symmd_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype symmd_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype symmd_mpi_int(void) { return MPI_INT; }
static inline MPI_Op symmd_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Status *symmd_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int symmd_mpi_success(void) { return MPI_SUCCESS; }
