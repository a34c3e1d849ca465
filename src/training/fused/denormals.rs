//! Flush-to-zero for denormal floats.
//!
//! LSTM states and Adam's second moments drift into the denormal range (below about 1e-38)
//! during training, and x86 processors handle denormals in microcode, which slows the recurrence
//! several times over. Flushing them to zero changes no result that matters for training, so
//! every thread that runs the engine's kernels enables it first.

/// MXCSR bit that flushes denormal results to zero.
#[cfg(target_arch = "x86_64")]
const FLUSH_TO_ZERO: u32 = 0x8000;
/// MXCSR bit that reads denormal operands as zero.
#[cfg(target_arch = "x86_64")]
const DENORMALS_ARE_ZERO: u32 = 0x0040;

/// Makes the calling thread flush denormal results to zero and read denormal operands as zero.
/// Does nothing on architectures other than x86-64.
pub fn set_flush_denormals() {
    #[cfg(target_arch = "x86_64")]
    write_control(read_control() | FLUSH_TO_ZERO | DENORMALS_ARE_ZERO);
}

/// Flushes denormals on the calling thread while alive and restores the thread's previous
/// floating-point mode when dropped, so callers of the engine keep their own settings.
pub struct FlushDenormals {
    /// The control word found on entry.
    #[cfg(target_arch = "x86_64")]
    previous: u32,
}

impl FlushDenormals {
    /// Enables flushing on the calling thread until the returned guard is dropped.
    pub fn enable() -> Self {
        #[cfg(target_arch = "x86_64")]
        let guard = Self {
            previous: read_control(),
        };
        #[cfg(not(target_arch = "x86_64"))]
        let guard = Self {};
        set_flush_denormals();
        guard
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        write_control(self.previous);
    }
}

/// Reads the SSE control and status register.
#[cfg(target_arch = "x86_64")]
#[allow(deprecated)] // The intrinsic is the documented way to read MXCSR; nothing replaces it.
fn read_control() -> u32 {
    // SAFETY: SSE is part of the x86-64 baseline, so the register always exists.
    unsafe { core::arch::x86_64::_mm_getcsr() }
}

/// Writes the SSE control and status register.
#[cfg(target_arch = "x86_64")]
#[allow(deprecated)] // The intrinsic is the documented way to write MXCSR; nothing replaces it.
fn write_control(value: u32) {
    // SAFETY: SSE is part of the x86-64 baseline; only the denormal-handling bits are changed
    // from the value the thread already had.
    unsafe { core::arch::x86_64::_mm_setcsr(value) }
}
