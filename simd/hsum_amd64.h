// Horizontal sums shared by the assembly files of this package.

// HSUMD512(z, y) adds the 16 int32 lanes of z (whose low half is y) and
// leaves the sum in AX. It overwrites X0/Y0 and X1/Y1.
#define HSUMD512(z, y) \
	VEXTRACTI64X4 $1, z, Y1 \
	VPADDD        Y1, y, Y0 \
	VEXTRACTI128  $1, Y0, X1 \
	VPADDD        X1, X0, X0 \
	VPSHUFD       $0x4e, X0, X1 \
	VPADDD        X1, X0, X0 \
	VPSHUFD       $0xb1, X0, X1 \
	VPADDD        X1, X0, X0 \
	VMOVD         X0, AX
