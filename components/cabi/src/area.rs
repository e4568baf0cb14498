/// Where an imported function whose results flatten to more than one value writes them: the
/// caller passes a pointer to N bytes, aligned 8 (the largest alignment a result has), and
/// reads the fields at their Canonical ABI offsets.
#[repr(C, align(8))]
pub struct Area<const N: usize>([u8; N]);

impl<const N: usize> Area<N> {
    pub fn new() -> Area<N> {
        Area([0; N])
    }

    pub fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr()
    }

    pub fn u8(&self, at: usize) -> u8 {
        self.0[at]
    }

    pub fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes([self.0[at], self.0[at + 1], self.0[at + 2], self.0[at + 3]])
    }

    pub fn u64(&self, at: usize) -> u64 {
        (self.u32(at) as u64) | ((self.u32(at + 4) as u64) << 32)
    }
}
