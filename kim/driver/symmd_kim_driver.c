/*
 * symmd_kim_driver.c: the OpenKIM model driver `symmd_driver` (KIM API 2.2+, C interface).
 *
 * A thin layer over the symmd C API (symmd.h, library libSymmdC.so). A portable model that uses
 * this driver has exactly one parameter file, a symmd model (.sdp). The driver:
 *
 *   - works in symmd's metal units (A, eV). It always declares those units; when a simulator asks
 *     for others, KIM reports the requested units as not accepted (LAMMPS: "KIM Model does not
 *     support the requested unit system", or it switches to metal units with the
 *     `unit_conversion_mode` option of `kim init`) and the reason is logged to kim.log;
 *   - publishes no parameters and so registers no Refresh routine (KIM requires Refresh exactly
 *     when parameters are published, and refuses it otherwise);
 *   - maps KIM species codes one to one onto the model's type indices (code = type index);
 *   - asks for one full neighbor list with cutoff = model cutoff, never of non-contributing
 *     particles, and copies each contributing particle's list into a driver-owned buffer before
 *     evaluating, so the symmd callback is pure (thread-safe, pointers valid for the whole call);
 *   - computes partialEnergy, partialForces, partialParticleEnergy, partialVirial and
 *     partialParticleVirial (all optional). symmd's virial W (LAMMPS sign, full 3x3, row-major)
 *     becomes KIM's V = -W, symmetrised, in KIM's Voigt order xx, yy, zz, yz, xz, xy.
 *
 * Threads: symmd_set_threads(1) at create, or SYMMD_THREADS when it holds a positive integer.
 * Compression: SYMMD_COMPRESS=1 (stride 0.01) or a stride tabulates the embedding nets at create.
 * Precision: SYMMD_PRECISION=mixed runs the networks in float32 (geometry, sums, forces in float64).
 */

#include "KIM_LogMacros.h"
#include "KIM_ModelDriverHeaders.h"
#include "symmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYMMD_KIM_TRUE 1
#define SYMMD_KIM_FALSE 0
#define SYMMD_KIM_MESSAGE_SIZE 1024

/* KIM neighbor lists are int, symmd reads int32_t: they must be the same type width. */
typedef char symmd_kim_int_is_32_bit[(sizeof(int) == sizeof(int32_t)) ? 1 : -1];

/* Everything the driver keeps per model object (the KIM model buffer). */
struct symmd_kim_buffer
{
  symmd_model * model;
  int typeCount;
  double influenceDistance;
  double cutoff;
  int modelWillNotRequestNeighborsOfNoncontributingParticles;
  int64_t lastSelOverflowCount;
  int selOverflowWarned;
  /* grow-only scratch: 9 doubles per particle for symmd's per-particle virial */
  double * particleVirialScratch;
  size_t particleVirialCapacity;
  /* grow-only copy of the neighbor lists: neighborStart has particles + 1 entries */
  int64_t * neighborStart;
  size_t neighborStartCapacity;
  int32_t * neighborIndices;
  size_t neighborIndicesCapacity;
};

/* What the symmd neighbor callback reads: the lists gathered from KIM for this call. */
struct symmd_kim_neighbor_context
{
  int64_t particleCount;
  int const * contributing;
  int64_t const * start;
  int32_t const * indices;
};

int symmd_kim_driver_create(KIM_ModelDriverCreate * const modelDriverCreate,
                            KIM_LengthUnit const requestedLengthUnit,
                            KIM_EnergyUnit const requestedEnergyUnit,
                            KIM_ChargeUnit const requestedChargeUnit,
                            KIM_TemperatureUnit const requestedTemperatureUnit,
                            KIM_TimeUnit const requestedTimeUnit);
static int symmd_kim_destroy(KIM_ModelDestroy * const modelDestroy);
static int symmd_kim_compute(KIM_ModelCompute const * const modelCompute,
                             KIM_ModelComputeArguments const * const modelComputeArguments);
static int symmd_kim_compute_arguments_create(
    KIM_ModelCompute const * const modelCompute,
    KIM_ModelComputeArgumentsCreate * const modelComputeArgumentsCreate);
static int symmd_kim_compute_arguments_destroy(
    KIM_ModelCompute const * const modelCompute,
    KIM_ModelComputeArgumentsDestroy * const modelComputeArgumentsDestroy);

/* Frees a buffer and everything it owns (NULL is allowed). */
static void symmd_kim_buffer_free(struct symmd_kim_buffer * buffer)
{
  if (buffer == NULL) return;
  symmd_model_free(buffer->model);
  free(buffer->particleVirialScratch);
  free(buffer->neighborStart);
  free(buffer->neighborIndices);
  free(buffer);
}

/* Returns `array` grown to at least `count` elements of `size` bytes (never shrinks; updates
 * *capacity), or NULL when out of memory, leaving `array` as it was. */
static void * symmd_kim_grow(void * array, size_t * capacity, size_t count, size_t size)
{
  size_t newCapacity;
  void * grown;
  if (count == 0) count = 1;
  if (array != NULL && count <= *capacity) return array;
  newCapacity = (*capacity > 0) ? *capacity : 1024;
  while (newCapacity < count) newCapacity += newCapacity / 2;
  if (newCapacity > ((size_t) -1) / size) return NULL;
  grown = realloc(array, newCapacity * size);
  if (grown == NULL) return NULL;
  *capacity = newCapacity;
  return grown;
}

/* Chooses symmd's thread count: SYMMD_THREADS when a positive integer, else 1; 0 if it was ignored. */
static int symmd_kim_thread_count(int * threads)
{
  char const * text = getenv("SYMMD_THREADS");
  char * end = NULL;
  long value;
  *threads = 1;
  if (text == NULL || *text == '\0') return 1;
  errno = 0;
  value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 1 || value > 4096) return 0;
  *threads = (int) value;
  return 1;
}

/* Reads SYMMD_COMPRESS: unset, empty or 0 → no compression (*stride = 0); 1 → stride 0.01;
   another number in (0, 1] → that stride. Returns 0 when the value is not understood. */
static int symmd_kim_compress_stride(double * stride)
{
  char const * text = getenv("SYMMD_COMPRESS");
  char * end = NULL;
  double value;
  *stride = 0.0;
  if (text == NULL || *text == '\0' || strcmp(text, "0") == 0) return 1;
  if (strcmp(text, "1") == 0)
  {
    *stride = 0.01;
    return 1;
  }
  errno = 0;
  value = strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(value > 0.0 && value <= 1.0)) return 0;
  *stride = value;
  return 1;
}

/* Converts a row-major 3x3 LAMMPS-sign virial W into KIM's 6 Voigt components of -sym(W). */
static void symmd_kim_virial_to_kim(double const * w, double * v)
{
  v[0] = -w[0];
  v[1] = -w[4];
  v[2] = -w[8];
  v[3] = -0.5 * (w[5] + w[7]); /* yz */
  v[4] = -0.5 * (w[2] + w[6]); /* xz */
  v[5] = -0.5 * (w[1] + w[3]); /* xy */
}

/* symmd_neighbor_fn: serves particle i's list from the copy gathered before the evaluation. */
static int symmd_kim_neighbors(void * context,
                               int64_t i,
                               int64_t * count,
                               const int32_t ** neighbors)
{
  struct symmd_kim_neighbor_context const * lists
      = (struct symmd_kim_neighbor_context const *) context;
  if (i < 0 || i >= lists->particleCount || !lists->contributing[i]) return 1;
  *count = lists->start[i + 1] - lists->start[i];
  *neighbors = lists->indices + lists->start[i];
  return 0;
}

#undef KIM_LOGGER_FUNCTION_NAME
#define KIM_LOGGER_FUNCTION_NAME KIM_ModelDriverCreate_LogEntry
#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelDriverCreate

/* Joins the parameter file's directory and basename into a new string (caller frees), or NULL. */
static char * symmd_kim_parameter_file_path(KIM_ModelDriverCreate * const modelDriverCreate)
{
  int numberOfParameterFiles = 0;
  char const * directory = NULL;
  char const * basename = NULL;
  char message[SYMMD_KIM_MESSAGE_SIZE];
  char * path;
  size_t length;

  KIM_ModelDriverCreate_GetNumberOfParameterFiles(modelDriverCreate,
                                                  &numberOfParameterFiles);
  if (numberOfParameterFiles != 1)
  {
    snprintf(message, sizeof message,
             "symmd_driver: a symmd portable model needs exactly one parameter "
             "file (the .sdp model); this one has %d",
             numberOfParameterFiles);
    LOG_ERROR(message);
    return NULL;
  }
  KIM_ModelDriverCreate_GetParameterFileDirectoryName(modelDriverCreate, &directory);
  if (KIM_ModelDriverCreate_GetParameterFileBasename(modelDriverCreate, 0, &basename)
      || directory == NULL || basename == NULL)
  {
    LOG_ERROR("symmd_driver: unable to get the parameter file name");
    return NULL;
  }
  length = strlen(directory) + 1 + strlen(basename) + 1;
  path = (char *) malloc(length);
  if (path == NULL)
  {
    LOG_ERROR("symmd_driver: out of memory");
    return NULL;
  }
  snprintf(path, length, "%s/%s", directory, basename);
  return path;
}

/* Registers each model type as the KIM species of its element name, with code = type index. */
static int symmd_kim_register_species(KIM_ModelDriverCreate * const modelDriverCreate,
                                      symmd_model const * model,
                                      int typeCount)
{
  char message[SYMMD_KIM_MESSAGE_SIZE];
  int type;
  for (type = 0; type < typeCount; ++type)
  {
    char const * name = symmd_model_type_name(model, type);
    KIM_SpeciesName species;
    if (name == NULL)
    {
      snprintf(message, sizeof message, "symmd_driver: model type %d has no name", type);
      LOG_ERROR(message);
      return SYMMD_KIM_TRUE;
    }
    species = KIM_SpeciesName_FromString(name);
    if (!KIM_SpeciesName_Known(species)
        || KIM_ModelDriverCreate_SetSpeciesCode(modelDriverCreate, species, type))
    {
      snprintf(message, sizeof message,
               "symmd_driver: model type %d is named '%s', which is not a KIM "
               "species name (use chemical element symbols in the model's type map)",
               type, name);
      LOG_ERROR(message);
      return SYMMD_KIM_TRUE;
    }
  }
  return SYMMD_KIM_FALSE;
}

/* Registers the driver's routines with KIM; nonzero on failure. No Refresh routine: KIM 2.3 refuses
 * one from a model that publishes no parameters ("set pointer for Refresh but did not set parameter
 * pointer(s)"), and requires one only when parameters are published. */
static int symmd_kim_register_routines(KIM_ModelDriverCreate * const modelDriverCreate)
{
  KIM_ModelComputeArgumentsCreateFunction * argumentsCreate
      = symmd_kim_compute_arguments_create;
  KIM_ModelComputeFunction * compute = symmd_kim_compute;
  KIM_ModelComputeArgumentsDestroyFunction * argumentsDestroy
      = symmd_kim_compute_arguments_destroy;
  KIM_ModelDestroyFunction * destroy = symmd_kim_destroy;

  return KIM_ModelDriverCreate_SetRoutinePointer(
             modelDriverCreate, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsCreate,
             KIM_LANGUAGE_NAME_c, SYMMD_KIM_TRUE, (KIM_Function *) argumentsCreate)
         || KIM_ModelDriverCreate_SetRoutinePointer(
             modelDriverCreate, KIM_MODEL_ROUTINE_NAME_Compute,
             KIM_LANGUAGE_NAME_c, SYMMD_KIM_TRUE, (KIM_Function *) compute)
         || KIM_ModelDriverCreate_SetRoutinePointer(
             modelDriverCreate, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsDestroy,
             KIM_LANGUAGE_NAME_c, SYMMD_KIM_TRUE, (KIM_Function *) argumentsDestroy)
         || KIM_ModelDriverCreate_SetRoutinePointer(
             modelDriverCreate, KIM_MODEL_ROUTINE_NAME_Destroy,
             KIM_LANGUAGE_NAME_c, SYMMD_KIM_TRUE, (KIM_Function *) destroy);
}

/* The driver's create routine: loads the .sdp parameter file and describes the model to KIM. */
int symmd_kim_driver_create(KIM_ModelDriverCreate * const modelDriverCreate,
                            KIM_LengthUnit const requestedLengthUnit,
                            KIM_EnergyUnit const requestedEnergyUnit,
                            KIM_ChargeUnit const requestedChargeUnit,
                            KIM_TemperatureUnit const requestedTemperatureUnit,
                            KIM_TimeUnit const requestedTimeUnit)
{
  char message[SYMMD_KIM_MESSAGE_SIZE];
  char symmdMessage[SYMMD_KIM_MESSAGE_SIZE];
  struct symmd_kim_buffer * buffer;
  KIM_ModelDriverCreateFunction * create = symmd_kim_driver_create;
  symmd_status status;
  char * path;
  int threads;
  double stride;

  (void) create; /* checks the prototype against KIM's typedef */
  (void) requestedChargeUnit;
  (void) requestedTemperatureUnit;
  (void) requestedTimeUnit;

  if (KIM_LengthUnit_NotEqual(requestedLengthUnit, KIM_LENGTH_UNIT_A)
      || KIM_EnergyUnit_NotEqual(requestedEnergyUnit, KIM_ENERGY_UNIT_eV))
  {
    snprintf(message, sizeof message,
             "symmd models are in metal units (eV, A); requested %s/%s is not "
             "supported: use `kim init NAME metal` (or add `unit_conversion_mode`)",
             KIM_LengthUnit_ToString(requestedLengthUnit),
             KIM_EnergyUnit_ToString(requestedEnergyUnit));
    LOG_WARNING(message);
  }

  if (!symmd_kim_thread_count(&threads))
  {
    LOG_WARNING("symmd_driver: SYMMD_THREADS is not a positive integer; using 1 thread");
  }
  symmd_set_threads(threads);

  path = symmd_kim_parameter_file_path(modelDriverCreate);
  if (path == NULL) return SYMMD_KIM_TRUE;

  buffer = (struct symmd_kim_buffer *) calloc(1, sizeof(struct symmd_kim_buffer));
  if (buffer == NULL)
  {
    free(path);
    LOG_ERROR("symmd_driver: out of memory");
    return SYMMD_KIM_TRUE;
  }

  symmdMessage[0] = '\0';
  status = symmd_model_load(path, &buffer->model, symmdMessage, sizeof symmdMessage);
  if (status != SYMMD_OK || buffer->model == NULL)
  {
    snprintf(message, sizeof message,
             "symmd_driver: unable to load the symmd model '%s' (symmd %s, status %d): %s",
             path, symmd_version(), (int) status, symmdMessage);
    LOG_ERROR(message);
    buffer->model = NULL;
    free(path);
    symmd_kim_buffer_free(buffer);
    return SYMMD_KIM_TRUE;
  }
  free(path);

  if (!symmd_kim_compress_stride(&stride))
  {
    LOG_WARNING("symmd_driver: SYMMD_COMPRESS is not 0, 1 or a stride in (0, 1]; not compressing");
  }
  else if (stride > 0.0)
  {
    symmdMessage[0] = '\0';
    if (symmd_model_compress(buffer->model, stride, symmdMessage, sizeof symmdMessage) != SYMMD_OK)
    {
      LOG_ERROR(symmdMessage);
      symmd_kim_buffer_free(buffer);
      return SYMMD_KIM_TRUE;
    }
    snprintf(message, sizeof message,
             "symmd_driver: embedding nets tabulated (SYMMD_COMPRESS, stride %g)", stride);
    LOG_INFORMATION(message);
  }

  {
    char const * precision = getenv("SYMMD_PRECISION");
    if (precision != NULL && *precision != '\0' && strcmp(precision, "float64") != 0)
    {
      symmdMessage[0] = '\0';
      if (symmd_model_set_precision(buffer->model, precision, symmdMessage, sizeof symmdMessage) != SYMMD_OK)
      {
        LOG_ERROR(symmdMessage);
        symmd_kim_buffer_free(buffer);
        return SYMMD_KIM_TRUE;
      }
      snprintf(message, sizeof message, "symmd_driver: networks in %s precision (SYMMD_PRECISION)", precision);
      LOG_INFORMATION(message);
    }
  }

  buffer->typeCount = symmd_model_type_count(buffer->model);
  buffer->cutoff = symmd_model_cutoff(buffer->model);
  buffer->influenceDistance = buffer->cutoff;
  buffer->modelWillNotRequestNeighborsOfNoncontributingParticles = 1;
  buffer->lastSelOverflowCount = symmd_model_sel_overflow_count(buffer->model);
  if (buffer->typeCount < 1 || !(buffer->cutoff > 0.0))
  {
    snprintf(message, sizeof message,
             "symmd_driver: the model has %d types and cutoff %g; need at least one "
             "type and a positive cutoff",
             buffer->typeCount, buffer->cutoff);
    LOG_ERROR(message);
    symmd_kim_buffer_free(buffer);
    return SYMMD_KIM_TRUE;
  }

  if (KIM_ModelDriverCreate_SetUnits(modelDriverCreate,
                                     KIM_LENGTH_UNIT_A,
                                     KIM_ENERGY_UNIT_eV,
                                     KIM_CHARGE_UNIT_unused,
                                     KIM_TEMPERATURE_UNIT_unused,
                                     KIM_TIME_UNIT_unused)
      || KIM_ModelDriverCreate_SetModelNumbering(modelDriverCreate,
                                                 KIM_NUMBERING_zeroBased))
  {
    LOG_ERROR("symmd_driver: unable to set units or numbering");
    symmd_kim_buffer_free(buffer);
    return SYMMD_KIM_TRUE;
  }

  if (symmd_kim_register_species(modelDriverCreate, buffer->model, buffer->typeCount))
  {
    symmd_kim_buffer_free(buffer);
    return SYMMD_KIM_TRUE;
  }

  if (symmd_kim_register_routines(modelDriverCreate))
  {
    LOG_ERROR("symmd_driver: unable to register the model routines");
    symmd_kim_buffer_free(buffer);
    return SYMMD_KIM_TRUE;
  }

  KIM_ModelDriverCreate_SetInfluenceDistancePointer(modelDriverCreate,
                                                    &buffer->influenceDistance);
  KIM_ModelDriverCreate_SetNeighborListPointers(
      modelDriverCreate,
      1,
      &buffer->cutoff,
      &buffer->modelWillNotRequestNeighborsOfNoncontributingParticles);
  KIM_ModelDriverCreate_SetModelBufferPointer(modelDriverCreate, (void *) buffer);

  snprintf(message, sizeof message,
           "symmd_driver: loaded a symmd model (symmd %s, file version %d): %d types, "
           "cutoff %g A, %d thread(s)",
           symmd_version(), symmd_model_file_version(buffer->model),
           buffer->typeCount, buffer->cutoff, threads);
  LOG_INFORMATION(message);
  return SYMMD_KIM_FALSE;
}

/* Destroy routine: releases the symmd model and the driver's buffers. */
static int symmd_kim_destroy(KIM_ModelDestroy * const modelDestroy)
{
  struct symmd_kim_buffer * buffer = NULL;
  KIM_ModelDestroy_GetModelBufferPointer(modelDestroy, (void **) &buffer);
  symmd_kim_buffer_free(buffer);
  return SYMMD_KIM_FALSE;
}

#undef KIM_LOGGER_FUNCTION_NAME
#define KIM_LOGGER_FUNCTION_NAME KIM_ModelComputeArgumentsCreate_LogEntry
#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelComputeArgumentsCreate

/* Compute-arguments create routine: every output the driver can fill is optional. */
static int symmd_kim_compute_arguments_create(
    KIM_ModelCompute const * const modelCompute,
    KIM_ModelComputeArgumentsCreate * const modelComputeArgumentsCreate)
{
  (void) modelCompute;
  if (KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
          modelComputeArgumentsCreate,
          KIM_COMPUTE_ARGUMENT_NAME_partialEnergy,
          KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
          modelComputeArgumentsCreate,
          KIM_COMPUTE_ARGUMENT_NAME_partialForces,
          KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
          modelComputeArgumentsCreate,
          KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy,
          KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
          modelComputeArgumentsCreate,
          KIM_COMPUTE_ARGUMENT_NAME_partialVirial,
          KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
          modelComputeArgumentsCreate,
          KIM_COMPUTE_ARGUMENT_NAME_partialParticleVirial,
          KIM_SUPPORT_STATUS_optional))
  {
    LOG_ERROR("symmd_driver: unable to set the compute arguments' support status");
    return SYMMD_KIM_TRUE;
  }
  return SYMMD_KIM_FALSE;
}

/* Compute-arguments destroy routine: the driver keeps nothing per compute-arguments object. */
static int symmd_kim_compute_arguments_destroy(
    KIM_ModelCompute const * const modelCompute,
    KIM_ModelComputeArgumentsDestroy * const modelComputeArgumentsDestroy)
{
  (void) modelCompute;
  (void) modelComputeArgumentsDestroy;
  return SYMMD_KIM_FALSE;
}

#undef KIM_LOGGER_FUNCTION_NAME
#define KIM_LOGGER_FUNCTION_NAME KIM_ModelCompute_LogEntry
#undef KIM_LOGGER_OBJECT_NAME
#define KIM_LOGGER_OBJECT_NAME modelCompute

/* Copies KIM's neighbor lists of the contributing particles into the buffer; nonzero on failure. */
static int symmd_kim_gather_neighbors(
    KIM_ModelCompute const * const modelCompute,
    KIM_ModelComputeArguments const * const modelComputeArguments,
    struct symmd_kim_buffer * buffer,
    int particleCount,
    int const * contributing)
{
  char message[SYMMD_KIM_MESSAGE_SIZE];
  int64_t total = 0;
  void * grown;
  int i;

  grown = symmd_kim_grow(buffer->neighborStart, &buffer->neighborStartCapacity,
                         (size_t) particleCount + 1, sizeof(int64_t));
  if (grown == NULL)
  {
    LOG_ERROR("symmd_driver: out of memory for the neighbor lists");
    return SYMMD_KIM_TRUE;
  }
  buffer->neighborStart = (int64_t *) grown;
  buffer->neighborStart[0] = 0;
  for (i = 0; i < particleCount; ++i)
  {
    int count = 0;
    int const * list = NULL;
    if (contributing[i])
    {
      if (KIM_ModelComputeArguments_GetNeighborList(
              modelComputeArguments, 0, i, &count, &list)
          || count < 0 || (count > 0 && list == NULL))
      {
        snprintf(message, sizeof message,
                 "symmd_driver: unable to get the neighbor list of particle %d", i);
        LOG_ERROR(message);
        return SYMMD_KIM_TRUE;
      }
      grown = symmd_kim_grow(buffer->neighborIndices, &buffer->neighborIndicesCapacity,
                             (size_t) (total + count), sizeof(int32_t));
      if (grown == NULL)
      {
        LOG_ERROR("symmd_driver: out of memory for the neighbor lists");
        return SYMMD_KIM_TRUE;
      }
      buffer->neighborIndices = (int32_t *) grown;
      if (count > 0)
        memcpy(buffer->neighborIndices + total, list, (size_t) count * sizeof(int32_t));
      total += count;
    }
    buffer->neighborStart[i + 1] = total;
  }
  return SYMMD_KIM_FALSE;
}

/* Compute routine: evaluates the symmd model on KIM's particles and fills the requested outputs. */
static int symmd_kim_compute(KIM_ModelCompute const * const modelCompute,
                             KIM_ModelComputeArguments const * const modelComputeArguments)
{
  char message[SYMMD_KIM_MESSAGE_SIZE];
  char symmdMessage[SYMMD_KIM_MESSAGE_SIZE];
  struct symmd_kim_buffer * buffer = NULL;
  struct symmd_kim_neighbor_context lists;
  symmd_outputs outputs;
  symmd_status status;
  int * numberOfParticles = NULL;
  int * speciesCodes = NULL;
  int * contributing = NULL;
  double * coordinates = NULL;
  double * energy = NULL;
  double * forces = NULL;
  double * particleEnergy = NULL;
  double * virial = NULL;
  double * particleVirial = NULL;
  double virial9[9];
  int64_t overflow;
  int particleCount;
  int i;

  KIM_ModelCompute_GetModelBufferPointer(modelCompute, (void **) &buffer);
  if (buffer == NULL || buffer->model == NULL)
  {
    LOG_ERROR("symmd_driver: compute without a loaded model");
    return SYMMD_KIM_TRUE;
  }

  if (KIM_ModelComputeArguments_GetArgumentPointerInteger(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_numberOfParticles,
          &numberOfParticles)
      || KIM_ModelComputeArguments_GetArgumentPointerInteger(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_particleSpeciesCodes,
          &speciesCodes)
      || KIM_ModelComputeArguments_GetArgumentPointerInteger(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_particleContributing,
          &contributing)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_coordinates,
          &coordinates)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, &energy)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_partialForces, &forces)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy,
          &particleEnergy)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_partialVirial, &virial)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(
          modelComputeArguments, KIM_COMPUTE_ARGUMENT_NAME_partialParticleVirial,
          &particleVirial))
  {
    LOG_ERROR("symmd_driver: unable to get the compute argument pointers");
    return SYMMD_KIM_TRUE;
  }
  if (numberOfParticles == NULL || *numberOfParticles < 0)
  {
    LOG_ERROR("symmd_driver: invalid number of particles");
    return SYMMD_KIM_TRUE;
  }
  particleCount = *numberOfParticles;
  if (particleCount > 0
      && (speciesCodes == NULL || contributing == NULL || coordinates == NULL))
  {
    LOG_ERROR("symmd_driver: species codes, contributing flags or coordinates missing");
    return SYMMD_KIM_TRUE;
  }

  /* species codes are the model's type indices (see symmd_kim_register_species) */
  for (i = 0; i < particleCount; ++i)
  {
    if (speciesCodes[i] < 0 || speciesCodes[i] >= buffer->typeCount)
    {
      snprintf(message, sizeof message,
               "symmd_driver: particle %d has species code %d; the model has %d species",
               i, speciesCodes[i], buffer->typeCount);
      LOG_ERROR(message);
      return SYMMD_KIM_TRUE;
    }
  }

  if (energy == NULL && forces == NULL && particleEnergy == NULL && virial == NULL
      && particleVirial == NULL)
    return SYMMD_KIM_FALSE;

  if (particleVirial != NULL)
  {
    void * grown = symmd_kim_grow(buffer->particleVirialScratch,
                                  &buffer->particleVirialCapacity,
                                  (size_t) particleCount * 9, sizeof(double));
    if (grown == NULL)
    {
      LOG_ERROR("symmd_driver: out of memory for the particle virial");
      return SYMMD_KIM_TRUE;
    }
    buffer->particleVirialScratch = (double *) grown;
  }

  if (symmd_kim_gather_neighbors(modelCompute, modelComputeArguments, buffer,
                                 particleCount, contributing))
    return SYMMD_KIM_TRUE;
  lists.particleCount = particleCount;
  lists.contributing = contributing;
  lists.start = buffer->neighborStart;
  lists.indices = buffer->neighborIndices;

  outputs.energy = energy;
  outputs.particle_energy = particleEnergy;
  outputs.forces = forces;
  outputs.virial = (virial != NULL) ? virial9 : NULL;
  outputs.particle_virial = (particleVirial != NULL) ? buffer->particleVirialScratch : NULL;

  symmdMessage[0] = '\0';
  status = symmd_model_compute(buffer->model, (int64_t) particleCount, coordinates,
                               speciesCodes, contributing, symmd_kim_neighbors, &lists,
                               &outputs, symmdMessage, sizeof symmdMessage);
  if (status != SYMMD_OK)
  {
    snprintf(message, sizeof message,
             "symmd_driver: symmd evaluation of %d particles failed (status %d): %s",
             particleCount, (int) status, symmdMessage);
    LOG_ERROR(message);
    return SYMMD_KIM_TRUE;
  }

  if (virial != NULL) symmd_kim_virial_to_kim(virial9, virial);
  if (particleVirial != NULL)
  {
    for (i = 0; i < particleCount; ++i)
      symmd_kim_virial_to_kim(buffer->particleVirialScratch + 9 * (size_t) i,
                              particleVirial + 6 * (size_t) i);
  }

  overflow = symmd_model_sel_overflow_count(buffer->model);
  if (overflow > buffer->lastSelOverflowCount)
  {
    if (!buffer->selOverflowWarned)
    {
      snprintf(message, sizeof message,
               "symmd_driver: %lld atom(s) so far had more neighbors of a type than the "
               "model's sel allows; their farthest neighbors were dropped (energies and "
               "forces are approximate). Reported once.",
               (long long) overflow);
      LOG_WARNING(message);
      buffer->selOverflowWarned = 1;
    }
    buffer->lastSelOverflowCount = overflow;
  }
  return SYMMD_KIM_FALSE;
}
