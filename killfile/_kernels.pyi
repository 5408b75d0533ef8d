# The compiled kernels (killfile/_kernels.pyx, built by setup.py) take and give exactly what the
# reference implementation does (tests/killfile compare the two), so their types are its types.
from killfile.kernels_pure import beyond as beyond
from killfile.kernels_pure import code_threads as code_threads
from killfile.kernels_pure import codes as codes
from killfile.kernels_pure import columns as columns
from killfile.kernels_pure import count_newlines as count_newlines
from killfile.kernels_pure import counts_over as counts_over
from killfile.kernels_pure import day_ordinals as day_ordinals
from killfile.kernels_pure import decode_coded as decode_coded
from killfile.kernels_pure import find_strings as find_strings
from killfile.kernels_pure import gather_codes as gather_codes
from killfile.kernels_pure import indices_in as indices_in
from killfile.kernels_pure import indices_naming as indices_naming
from killfile.kernels_pure import join_coded as join_coded
from killfile.kernels_pure import join_lines as join_lines
from killfile.kernels_pure import join_references as join_references
from killfile.kernels_pure import lookup as lookup
from killfile.kernels_pure import naming_codes as naming_codes
from killfile.kernels_pure import shared_codes as shared_codes
from killfile.kernels_pure import stamp_days as stamp_days
from killfile.kernels_pure import thread_codes as thread_codes
