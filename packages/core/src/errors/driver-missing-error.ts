import { SluiceError } from './sluice-error.js'

/** A dialect's driver package (an optional peer dependency) is not installed or cannot be loaded. */
export class DriverMissingError extends SluiceError {
  constructor(packageName: string, dialect: string, cause: unknown) {
    super(
      'SLUICE_DRIVER_MISSING',
      `The ${dialect} dialect needs the '${packageName}' package, which could not be loaded; install it next to @sluice/core (npm install ${packageName})`,
      { cause },
    )
  }
}
